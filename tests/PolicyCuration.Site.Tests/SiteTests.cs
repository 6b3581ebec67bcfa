using System.Xml.Linq;
using NJsonSchema;
using PolicyCuration.Signing;
using PolicyCuration.Site.Inputs;
using PolicyCuration.Testing;

namespace PolicyCuration.Site.Tests;

/// <summary>The site built from <see cref="SiteSample"/>: what its pages, API and feed say, and that outside text stays text.</summary>
public sealed class SiteTests(SiteSample sample) : IClassFixture<SiteSample>
{
    [Fact]
    public void TheBuildReadsTheListsThreeVersionsAndTheAuditsAndSkipsTheLinesThatAreNotRecords()
    {
        Assert.Equal(2, sample.Build.Domains);
        Assert.Equal(3, sample.Build.ListVersions);
        Assert.Equal(8, sample.Build.AuditRecords);
        Assert.Equal(2, sample.Build.UnreadableAuditLines);
        Assert.True(File.Exists(Path.Combine(sample.Out, ".nojekyll")));
    }

    [Fact]
    public void TheChangesComeFromGitNewestFirst()
    {
        var changes = System.Text.Json.JsonDocument.Parse(sample.Read("api/v2/changes.json")).RootElement.GetProperty("changes")
            .EnumerateArray().Select(c => $"{c.GetProperty("time").GetString()![..10]} {c.GetProperty("domain").GetString()} {c.GetProperty("change").GetString()} {c.GetProperty("mode").GetString()}");

        Assert.Equal(
            ["2026-11-28 beta.example removed testing", "2026-11-20 alpha.example promoted enforce", "2026-11-20 gamma.example added testing",
             "2026-10-21 alpha.example added testing", "2026-10-21 beta.example added testing"],
            changes);
    }

    [Fact]
    public void ADomainsShardSaysSinceWhenItIsListedAndInItsModeAndOnlyAFailingDomainHasAStaticPage()
    {
        var alpha = Entry("al", "alpha.example");

        Assert.Equal("2026-10-21", alpha.GetProperty("listed_since").GetString());
        Assert.Equal("2026-11-20", alpha.GetProperty("mode_since").GetString());
        Assert.Equal("enforce", alpha.GetProperty("mode").GetString());
        Assert.Equal("passed", alpha.GetProperty("verdict").GetString());
        Assert.Equal(5, alpha.GetProperty("audits").GetArrayLength());
        Assert.Equal(["not_audited", "passed", "not_audited"], alpha.GetProperty("timeline").EnumerateArray().Select(r => r.GetProperty("state").GetString()));
        Assert.False(File.Exists(Path.Combine(sample.Out, "domains", "alpha.example.html")));
        Assert.Equal(["gamma.example.html"], Directory.GetFiles(Path.Combine(sample.Out, "domains")).Select(Path.GetFileName));
        Assert.Contains("data-list-path=\"policy/policy.json\" data-repository=\"https://github.example/owner/list\"", sample.Read("domain.html"), StringComparison.Ordinal);
    }

    [Fact]
    public void AStaticDomainPageSaysSinceWhenAndHowToChangeTheEntry()
    {
        string gamma = sample.Read("domains/gamma.example.html");

        Assert.Contains("<dt>Listed since</dt><dd><time datetime=\"2026-11-20\">2026-11-20</time></dd>", gamma, StringComparison.Ordinal);
        Assert.Contains("<dt>Mode</dt><dd>testing</dd>", gamma, StringComparison.Ordinal);
        Assert.Contains("Passed on 1 of 3 audited days.", gamma, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://github.example/owner/list/edit/main/policy/policy.json\">edit the list on GitHub</a> (search it for <code>\"gamma.example\"</code>)", gamma, StringComparison.Ordinal);
        Assert.Contains("policyctl remove gamma.example\npolicyctl add gamma.example --mode testing --from-mta-sts", gamma, StringComparison.Ordinal);
    }

    [Fact]
    public void AShardCarriesTheNewestAuditsFindingsAndTheirRemedies()
    {
        using var shard = System.Text.Json.JsonDocument.Parse(sample.Read("api/v2/domains/ga.json"));
        var gamma = shard.RootElement.GetProperty("domains")[0];

        Assert.Equal("failed", gamma.GetProperty("verdict").GetString());
        Assert.Equal("tls.cert.name_mismatch", gamma.GetProperty("findings")[0].GetProperty("code").GetString());
        Assert.Contains(SiteSample.HostileName, gamma.GetProperty("findings")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("Serve a certificate whose names include the MX host's name.", shard.RootElement.GetProperty("remedies").GetProperty("tls.cert.name_mismatch").GetString());
    }

    [Fact]
    public void ADomainsPageShowsItsLastAuditsFindingsWithRemediesAndTheUnhealthyVantageAsInconclusive()
    {
        string gamma = sample.Read("domains/gamma.example.html");

        Assert.Contains("<dt>Last audit</dt><dd class=\"verdict-failed\">failed</dd>", gamma, StringComparison.Ordinal);
        Assert.Contains("<code>tls.cert.name_mismatch</code> <strong>error</strong>: Certificate name mismatch.", gamma, StringComparison.Ordinal);
        Assert.Contains("What to do: Serve a certificate whose names include the MX host&#39;s name.", gamma, StringComparison.Ordinal);
        Assert.Contains("<td>us-1</td><td>inconclusive (the vantage was unhealthy)</td>", gamma, StringComparison.Ordinal);
        Assert.Contains("<time datetime=\"2026-11-27\">2026-11-27</time>: passed (1 day)", gamma, StringComparison.Ordinal);
        Assert.Contains("<time datetime=\"2026-11-28\">2026-11-28</time>: inconclusive (1 day)", gamma, StringComparison.Ordinal);
        Assert.Contains("<time datetime=\"2026-11-30\">2026-11-30</time>: failed (1 day)", gamma, StringComparison.Ordinal);
    }

    [Fact]
    public void TextFromOutsideIsEscapedInEveryPageAndFile()
    {
        string gamma = sample.Read("domains/gamma.example.html");

        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;.evil.example", gamma, StringComparison.Ordinal);
        foreach (string file in Directory.EnumerateFiles(sample.Out, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("<img", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheHomePageCountsTheModesShowsTheReleaseAndItsKeyAndTheChanges()
    {
        string home = sample.Read("index.html");
        string keyLine = File.ReadAllLines(sample.PublicKey)[1];

        Assert.Contains("<tr><th scope=\"row\">enforce</th><td>1</td>", home, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">testing</th><td>1</td>", home, StringComparison.Ordinal);
        Assert.Contains("<dt>Serial</dt><dd>7</dd>", home, StringComparison.Ordinal);
        Assert.Contains($"minisign -Vm policy.json -P {keyLine}", home, StringComparison.Ordinal);
        Assert.Contains("<span class=\"domain\">beta.example</span> removed (testing)", home, StringComparison.Ordinal);
        Assert.Contains("<a href=\"domains/gamma.example.html\">gamma.example</a> added (testing)", home, StringComparison.Ordinal);
        Assert.Contains("<a href=\"domain.html?d=alpha.example\">alpha.example</a> promoted (enforce)", home, StringComparison.Ordinal);
        Assert.Contains("<script src=\"search.js\" defer></script>", home, StringComparison.Ordinal);
        Assert.Contains("<script src=\"domain.js\" defer></script>", sample.Read("domain.html"), StringComparison.Ordinal);
        Assert.Contains(
            "<li><a href=\"domains/gamma.example.html\">gamma.example</a> testing, failing each day since <time datetime=\"2026-11-30\">2026-11-30</time>: <code>tls.cert.name_mismatch</code> </li>",
            home,
            StringComparison.Ordinal);
        Assert.Contains("1 of 2 listed domains failed their last audit", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryApiFileValidatesAgainstTheSchemaInTheRepository()
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(TestFiles.Root, "schema", "site-api-v2.schema.json"));
        var files = Directory.GetFiles(Path.Combine(sample.Out, "api", "v2"), "*.json", SearchOption.AllDirectories);

        Assert.Equal(5, files.Length); // the index, two shards (al, ga), the release, the changes
        foreach (string file in files)
        {
            var errors = schema.Validate(File.ReadAllText(file));
            Assert.True(errors.Count == 0, $"{file}: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"))}");
        }

        Assert.NotEmpty(schema.Validate("""{"version":2,"kind":"domains-shard","generated":"2026-11-30T12:00:00Z","shard":"x","domains":[{"domain":"x"}],"remedies":{}}"""));
    }

    [Fact]
    public void TheFeedIsAtomWithAnEntryPerChangeLinkingTheDomainsPage()
    {
        XNamespace atom = "http://www.w3.org/2005/Atom";
        var feed = XDocument.Parse(sample.Read("feed.atom")).Root!;
        var entries = feed.Elements(atom + "entry").ToList();

        Assert.Equal(atom + "feed", feed.Name);
        Assert.Equal(5, entries.Count);
        Assert.Equal("beta.example removed (testing)", entries[0].Element(atom + "title")!.Value);
        Assert.Equal("https://lists.example/domain.html?d=alpha.example", entries[1].Element(atom + "link")!.Attribute("href")!.Value);
        Assert.Equal(5, entries.Select(e => e.Element(atom + "id")!.Value).Distinct().Count());
    }

    private System.Text.Json.JsonElement Entry(string shard, string domain) =>
        System.Text.Json.JsonDocument.Parse(sample.Read($"api/v2/domains/{shard}.json")).RootElement.GetProperty("domains")
            .EnumerateArray().Single(d => d.GetProperty("domain").GetString() == domain);

    [Fact]
    public void AReleaseWhoseListWasChangedAfterSigningIsRefused()
    {
        using var dir = new TemporaryDirectory();
        foreach (string file in Directory.GetFiles(sample.Release))
        {
            File.Copy(file, Path.Combine(dir.Path, Path.GetFileName(file)));
        }

        File.AppendAllText(Path.Combine(dir.Path, "policy.json"), " ");

        var refused = Assert.Throws<ReleaseRefusedException>(() => ReleaseInfo.Read(dir.Path, sample.PublicKey));
        Assert.Equal("release.signature.invalid", refused.Code);
    }
}
