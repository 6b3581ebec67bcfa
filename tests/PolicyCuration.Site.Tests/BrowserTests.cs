using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Xunit.Abstractions;

namespace PolicyCuration.Site.Tests;

/// <summary>The site of 200 000 domains in a real browser: the search, a domain's page, the feed and the API, hostile text, keyboard and phone.</summary>
[Trait("Needs", "browser")]
public sealed class BrowserTests(LargeSite site, ITestOutputHelper output) : IClassFixture<LargeSite>
{
    private IWebDriver Browser => site.Driver;

    [Fact]
    public void TheSearchFindsADomainAmong200000AndOpensItsPage()
    {
        output.WriteLine($"built {site.Build.Domains} domains, {site.Build.Files} files in {site.BuildTime.TotalSeconds:F1} s");
        Browser.Navigate().GoToUrl(site.Server.Url("index.html"));
        var input = Browser.FindElement(By.Id("q"));
        input.Clear();
        input.SendKeys(LargeSite.Target[..2]);
        Wait().Until(b => b.FindElement(By.Id("search-status")).Text.Contains("listed domain", StringComparison.Ordinal));

        // The shard is loaded: now time the answer to the whole name, from the input event to the results.
        double answered = Convert.ToDouble(((IJavaScriptExecutor)Browser).ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            const input = document.getElementById('q');
            const status = document.getElementById('search-status');
            const start = performance.now();
            const observer = new MutationObserver(() => { observer.disconnect(); done(performance.now() - start); });
            observer.observe(status, { childList: true, characterData: true, subtree: true });
            input.value = arguments[0];
            input.dispatchEvent(new Event('input'));
            """, LargeSite.Target), System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"search answered in {answered:F1} ms after the first shard loaded");

        var link = Wait().Until(b => b.FindElements(By.CssSelector("#results a")).FirstOrDefault(a => a.Text == LargeSite.Target));
        Assert.Equal("1 listed domain.", Browser.FindElement(By.Id("search-status")).Text);
        link!.Click();
        Wait().Until(b => b.Url.EndsWith($"/domain.html?d={LargeSite.Target}", StringComparison.Ordinal));
        Assert.Equal(LargeSite.Target, Wait().Until(b => b.FindElements(By.TagName("h1")).FirstOrDefault(h => h.Text == LargeSite.Target))!.Text);
        Assert.All(
            site.Server.Sent.Keys.Where(k => k.StartsWith("/api/v2/domains/", StringComparison.Ordinal) && k != "/api/v2/domains/index.json"),
            k => Assert.Equal($"/api/v2/domains/{LargeSite.Target[..2]}.json", k));
    }

    [Theory]
    [InlineData("domains/" + LargeSite.Target + ".html", "domain.png")]
    [InlineData("domain.html?d=" + LargeSite.Target, "domain-drawn.png")]
    public void ADomainsPageShowsItsLastAuditsCodesAndAHostileCertificateNameAsText(string page, string screenshot)
    {
        Browser.Navigate().GoToUrl(site.Server.Url(page));

        Assert.Equal("failed", Wait().Until(b => b.FindElements(By.CssSelector(".verdict-failed")).FirstOrDefault())!.Text);
        var finding = Browser.FindElement(By.CssSelector(".findings li"));
        Assert.StartsWith("tls.cert.name_mismatch error: Certificate name mismatch.", finding.Text, StringComparison.Ordinal);
        Assert.Contains(SiteSample.HostileName, Browser.FindElement(By.CssSelector(".findings .message")).Text, StringComparison.Ordinal);
        Assert.Contains("What to do: Serve a certificate whose names include the MX host's name.", finding.Text, StringComparison.Ordinal);
        Assert.Empty(Browser.FindElements(By.TagName("img")));
        Assert.Contains("tls.cert.name_mismatch", Browser.FindElement(By.CssSelector("table tbody tr")).Text, StringComparison.Ordinal);
        Assert.StartsWith($"{LargeSite.Target} — ", Browser.Title, StringComparison.Ordinal);
        Screenshot(screenshot);
    }

    [Fact]
    public void TheDrawnPageOfADomainSaysWhatItsStaticPageSays()
    {
        Browser.Navigate().GoToUrl(site.Server.Url($"domains/{LargeSite.Target}.html"));
        string written = Browser.FindElement(By.TagName("main")).Text;
        Browser.Navigate().GoToUrl(site.Server.Url($"domain.html?d={LargeSite.Target}"));
        Wait().Until(b => b.FindElements(By.CssSelector("main h1")).Any(h => h.Text == LargeSite.Target));

        Assert.Equal(written, Browser.FindElement(By.TagName("main")).Text);
    }

    [Fact]
    public void ThePageOfADomainNoAuditSawIsDrawnFromItsShardAndAnUnknownNameIsSaid()
    {
        Browser.Navigate().GoToUrl(site.Server.Url($"domain.html?d={site.Unaudited}"));
        Wait().Until(b => b.FindElements(By.CssSelector("main h1")).Any(h => h.Text == site.Unaudited));
        Assert.Equal("not audited yet", Browser.FindElement(By.CssSelector(".verdict-none")).Text);
        Assert.Contains($"policyctl remove {site.Unaudited}", Browser.FindElement(By.CssSelector("pre code")).Text, StringComparison.Ordinal);

        Browser.Navigate().GoToUrl(site.Server.Url("domain.html?d=unlisted.example"));
        Assert.Equal("unlisted.example is not in the list.", Wait().Until(b => b.FindElements(By.Id("domain-status")).FirstOrDefault(e => e.Text.Length > 0 && e.Text != "Loading…"))!.Text);
    }

    [Fact]
    public void TheSiteFitsGitHubPages()
    {
        var files = Directory.GetFiles(site.Out, "*", SearchOption.AllDirectories);
        long bytes = files.Sum(f => new FileInfo(f).Length);
        output.WriteLine($"{site.Build.Domains} domains: {files.Length} files, {bytes / 1_000_000.0:F1} MB");

        Assert.Equal(site.Build.Files, files.Length);
        Assert.True(files.Length <= 20_000, $"{files.Length} files");
        Assert.True(bytes <= 300_000_000, $"{bytes} bytes");
    }

    [Fact]
    public void TheFeedAndTheApiFilesParseInTheBrowser()
    {
        Browser.Navigate().GoToUrl(site.Server.Url("index.html"));
        var answer = ((IJavaScriptExecutor)Browser).ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            const text = (path) => fetch(path).then((r) => r.text());
            Promise.all([
              text('feed.atom').then((t) => new DOMParser().parseFromString(t, 'application/xml').documentElement.namespaceURI),
              text('api/v2/domains/index.json').then((t) => JSON.parse(t).count),
              text('api/v2/domains/qu.json').then((t) => JSON.parse(t).domains.length),
              text('api/v2/domains/qu.json').then((t) => JSON.parse(t).domains.find((d) => d.domain === arguments[0]).verdict),
              text('api/v2/release.json').then((t) => JSON.parse(t).release),
            ]).then(done, (e) => done(['error', String(e)]));
            """, LargeSite.Target);

        var parsed = Assert.IsAssignableFrom<IReadOnlyCollection<object?>>(answer).ToList();
        Assert.Equal(5, parsed.Count);
        Assert.Equal("http://www.w3.org/2005/Atom", parsed[0]);
        Assert.Equal(200_000L, parsed[1]);
        Assert.True(parsed[2] is long shard && shard > 0, $"shard qu: {parsed[2]}");
        Assert.Equal("failed", parsed[3]);
        Assert.Null(parsed[4]);
    }

    [Fact]
    public void TheHomePageIsSmallReachableByKeyboardAndFitsAPhone()
    {
        Browser.Manage().Window.Size = new System.Drawing.Size(1280, 1000);
        Browser.Navigate().GoToUrl(site.Server.Url("index.html"));
        Screenshot("home.png");
        long home = site.Server.Sent["/index.html"] / Math.Max(1, site.Server.Sent.Count(k => k.Key == "/index.html"));
        long assets = new FileInfo(Path.Combine(site.Out, "site.css")).Length + new FileInfo(Path.Combine(site.Out, "search.js")).Length;
        output.WriteLine($"home page {home} bytes, with its stylesheet and script {home + assets} bytes");
        Assert.True(home + assets < 100 * 1024, $"{home + assets} bytes");

        new OpenQA.Selenium.Interactions.Actions(Browser).SendKeys(Keys.Tab).Perform();
        Assert.Equal("Skip to the content", Browser.SwitchTo().ActiveElement().Text);
        Assert.Equal("en", Browser.FindElement(By.TagName("html")).GetAttribute("lang"));

        try
        {
            Browser.Manage().Window.Size = new System.Drawing.Size(375, 800);
            foreach (string page in new[] { "index.html", $"domains/{LargeSite.Target}.html", $"domain.html?d={LargeSite.Target}" })
            {
                Browser.Navigate().GoToUrl(site.Server.Url(page));
                Wait().Until(b => b.FindElements(By.CssSelector("main h1")).Count > 0);
                long overflow = (long)((IJavaScriptExecutor)Browser).ExecuteScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")!;
                Assert.True(overflow <= 0, $"{page} scrolls sideways by {overflow} px on a phone");
            }
        }
        finally
        {
            Browser.Manage().Window.Size = new System.Drawing.Size(1280, 1000);
        }
    }

    [Fact]
    public void WithoutJavaScriptThePagesWorkAndTheHomePageSaysHowToFindADomain()
    {
        using var plain = LargeSite.StartChromium(javascript: false);
        try
        {
            plain.Navigate().GoToUrl(site.Server.Url("index.html"));
            Assert.Contains("The search and most domains' pages need JavaScript", plain.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
            plain.Navigate().GoToUrl(site.Server.Url($"domains/{LargeSite.Target}.html"));
            Assert.Equal("failed", plain.FindElement(By.CssSelector(".verdict-failed")).Text);
            plain.Navigate().GoToUrl(site.Server.Url($"domain.html?d={site.Unaudited}"));
            Assert.Contains("This page needs JavaScript to show a domain", plain.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
        }
        finally
        {
            plain.Quit();
        }
    }

    private WebDriverWait Wait() => new(Browser, TimeSpan.FromSeconds(20));

    private void Screenshot(string name)
    {
        Directory.CreateDirectory(LargeSite.Results);
        ((ITakesScreenshot)Browser).GetScreenshot().SaveAsFile(Path.Combine(LargeSite.Results, name));
    }
}
