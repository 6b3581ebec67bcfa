using System.Diagnostics;
using PolicyCuration.Audit;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;
using PolicyCuration.Probe.Vantage;
using PolicyCuration.Site.Inputs;
using PolicyCuration.Testing;
using OpenQA.Selenium.Chrome;

namespace PolicyCuration.Site.Tests;

/// <summary>
/// A site of 200 000 domains with names spread as real ones are, audited on each of the last three days, one of them
/// (<see cref="Target"/>) failing its last audit with a hostile certificate name, served on loopback, and Debian's Chromium driven headless by chromedriver.
/// </summary>
public sealed class LargeSite : IDisposable
{
    public const int Count = 200_000;

    public const string Target = "quietharbor.example";

    /// <summary>A domain of the list that no audit saw.</summary>
    public string Unaudited { get; }

    private readonly TemporaryDirectory dir = new();

    public LargeSite()
    {
        var random = new Random(20261130);
        string[] tlds = ["com", "net", "org", "de", "fr", "nl", "uk", "io", "se", "ch"];
        var names = new HashSet<string>(StringComparer.Ordinal) { Target };
        while (names.Count < Count)
        {
            var label = new char[random.Next(4, 13)];
            for (int i = 0; i < label.Length; i++)
            {
                label[i] = (char)('a' + random.Next(26));
            }

            names.Add($"{new string(label)}.{tlds[random.Next(tlds.Length)]}");
        }

        Unaudited = names.Where(n => n != Target).Order(StringComparer.Ordinal).First();
        var list = new PolicyList
        {
            Version = PolicyList.FormatVersion,
            Policies = [.. names.Order(StringComparer.Ordinal).Select((name, i) => new NamedPolicy(name, Policy.Direct(i % 3 == 0 ? PolicyMode.Enforce : PolicyMode.Testing, ["." + name])))],
        };
        string history = dir.File("history");
        var healthy = new VantageHealth("eu-1", VantageStatus.Healthy, "canaries reached", 3, 3, 40, 1);
        var hostile = ProbeFindingKinds.CertNameMismatch.At($"mx.{Target}", $"the certificate names {SiteSample.HostileName}, not mx.{Target}", null);
        var records = new[]
        {
            new AuditRecord(Target, SiteSample.Now.AddDays(-1), PolicyMode.Testing, ["." + Target], [], null, null, [], healthy),
            new AuditRecord(Target, SiteSample.Now.AddHours(-2), PolicyMode.Testing, ["." + Target], [hostile.Code], null, null, [hostile], healthy),
        };
        // Every other domain passed an audit on each of the last three days: the site holds their audits and timelines.
        var audited = names.Where(n => n != Target && n != Unaudited).ToList();
        for (int day = 3; day >= 1; day--)
        {
            string file = Path.Combine(history, AuditHistory.DayFile(SiteSample.Now.AddDays(-day)));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllLines(file, audited.Select(n => new AuditRecord(n, SiteSample.Now.AddDays(-day), PolicyMode.Testing, ["." + n], [], null, null, [], healthy).ToJsonLine()));
        }

        foreach (var record in records)
        {
            string file = Path.Combine(history, AuditHistory.DayFile(record.Time));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.AppendAllLines(file, [record.ToJsonLine()]);
        }

        var timer = Stopwatch.StartNew();
        var settings = new SiteSettings("STARTTLS policy list", null, "https://github.example/owner/list", "policy/policy.json", SiteSample.Now);
        Build = SiteBuilder.Build(settings, dir.File("policy.json"), list, history, null, Out);
        BuildTime = timer.Elapsed;
        Server = new StaticServer(Out);
        Driver = StartChromium();
    }

    public string Out => dir.File("site");

    public SiteBuild Build { get; }

    public TimeSpan BuildTime { get; }

    internal StaticServer Server { get; }

    public ChromeDriver Driver { get; }

    /// <summary>Where the test run keeps what it shows: screenshots of the site.</summary>
    public static string Results => Path.Combine(Environment.GetEnvironmentVariable("POLICYCURATION_TEST_RESULTS") is { Length: > 0 } set ? set : Path.Combine(TestFiles.Root, ".test-results"), "site");

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        Server.Dispose();
        dir.Dispose();
    }

    /// <summary>Debian's Chromium through Debian's chromedriver; nothing is downloaded. Missing, they fail the tests.</summary>
    public static ChromeDriver StartChromium(bool javascript = true)
    {
        string chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Chromium is not installed (apt-get install chromium chromium-driver; tools/test.sh installs them)");
        string driver = File.Exists("/usr/bin/chromedriver") ? "/usr/bin/chromedriver"
            : throw new InvalidOperationException("chromedriver is not installed (apt-get install chromium-driver; tools/test.sh installs it)");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000", "--no-first-run", "--disable-extensions");
        if (!javascript)
        {
            options.AddUserProfilePreference("profile.managed_default_content_settings.javascript", 2);
        }

        return new ChromeDriver(service, options, TimeSpan.FromMinutes(1));
    }
}
