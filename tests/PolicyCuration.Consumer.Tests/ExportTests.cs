using System.Text;
using System.Text.Json;
using PolicyCuration.Consumer.Exports;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

public sealed class ExportTests : IDisposable
{
    private const string List = """
        {
          "expires": "2026-12-12T00:00:00+00:00",
          "policies": {
            "alias.example": {"policy-alias": "provider"},
            "enforced.example": {"mode": "enforce", "mxs": ["MX1.enforced.example", ".mail.enforced.example"]},
            "overridden.example": {"mode": "enforce", "mxs": ["mx.overridden.example"]},
            "testing.example": {"mode": "testing", "mxs": ["mx.testing.example"]}
          },
          "policy-aliases": {"provider": {"mode": "enforce", "mxs": ["mx.provider.example"]}},
          "timestamp": "2026-11-28T00:00:00+00:00",
          "version": "0.1"
        }
        """;

    private readonly TemporaryDirectory dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<MtaFormat, string> Expected { get; } = new()
    {
        {
            MtaFormat.Exim,
            "# h\n# listed domains: TLS required and the certificate verified (see the README's Exim section); testing and dropped domains are comments\n" +
            "alias.example: mx.provider.example\n" +
            "enforced.example: mx1.enforced.example : ^[^.]+\\.mail\\.enforced\\.example$\n" +
            "# testing: testing.example: mx.testing.example\n" +
            "# none (local override, line 1): overridden.example\n" +
            "partner.example: ^[^.]+\\.mail\\.partner\\.example$\n" +
            "# \"dane-only\" (local override, line 3) has no equivalent here; left to the server's own settings: dane.example\n"
        },
        {
            MtaFormat.Sendmail,
            "# h\n# listed domains: STARTTLS with a verified chain (TLS_Rcpt VERIFY); the MX patterns cannot be said in an access map\n" +
            "TLS_Rcpt:alias.example\tVERIFY\nTLS_Rcpt:enforced.example\tVERIFY\n# testing: TLS_Rcpt:testing.example\tVERIFY\n" +
            "# none (local override, line 1): TLS_Rcpt:overridden.example\tVERIFY\nTLS_Rcpt:partner.example\tVERIFY\n" +
            "# \"dane-only\" (local override, line 3) has no equivalent here; left to the server's own settings: TLS_Rcpt:dane.example\tVERIFY\n"
        },
        {
            MtaFormat.OpenSmtpd,
            "# h\n# listed domains, for an action 'relay tls' (STARTTLS and a valid certificate; OpenSMTPD cannot match the MX patterns)\n" +
            "alias.example\nenforced.example\n# testing: testing.example\n# none (local override, line 1): overridden.example\npartner.example\n" +
            "# \"dane-only\" (local override, line 3) has no equivalent here; left to the server's own settings: dane.example\n"
        },
        {
            MtaFormat.Haraka,
            "; h\n; listed domains: STARTTLS forced (force_tls_hosts); see the README's Haraka section for certificate checks\n[outbound]\n" +
            "force_tls_hosts[]=alias.example\nforce_tls_hosts[]=enforced.example\n; testing: force_tls_hosts[]=testing.example\n" +
            "; none (local override, line 1): force_tls_hosts[]=overridden.example\nforce_tls_hosts[]=partner.example\n" +
            "; \"dane-only\" (local override, line 3) has no equivalent here; left to the server's own settings: force_tls_hosts[]=dane.example\n"
        },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void EachExportSaysWhatItsServerCanOfTheListAndTheOverrides(MtaFormat format, string expected)
    {
        File.WriteAllText(dir.File("overrides"), "overridden.example none\npartner.example secure match=.mail.partner.example\ndane.example dane-only\n");

        byte[] export = MtaExport.Render(format, MapEntries.Resolve(Encoding.UTF8.GetBytes(List), earlyAdopter: false), MapOverrides.Read(dir.File("overrides")), ["h"]);

        Assert.Equal(expected, Encoding.UTF8.GetString(export));
    }

    [Theory]
    [InlineData(MtaFormat.Exim, "testing.example: mx.testing.example\n")]
    [InlineData(MtaFormat.Sendmail, "\nTLS_Rcpt:testing.example\tVERIFY\n")]
    [InlineData(MtaFormat.OpenSmtpd, "\ntesting.example\n")]
    [InlineData(MtaFormat.Haraka, "\nforce_tls_hosts[]=testing.example\n")]
    public void EarlyAdoptersGetTestingDomainsInEveryExport(MtaFormat format, string line)
    {
        string export = Encoding.UTF8.GetString(MtaExport.Render(format, MapEntries.Resolve(Encoding.UTF8.GetBytes(List), earlyAdopter: true), null, []));

        Assert.Contains(line, export, StringComparison.Ordinal);
        Assert.DoesNotContain("testing:", export, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MtaFormat.Exim, "# starttls-policy: the installed list (serial 7) EXPIRED at 2026-12-12T00:00:00Z.\n# No policy is enforced until a fresh signed release is installed.\n")]
    [InlineData(MtaFormat.Haraka, "; starttls-policy: the installed list (serial 7) EXPIRED at 2026-12-12T00:00:00Z.\n; No policy is enforced until a fresh signed release is installed.\n[outbound]\n")]
    public void AnExpiredListLeavesNoDomainInAnExport(MtaFormat format, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(MtaExport.Expired(format, 7, new DateTimeOffset(2026, 12, 12, 0, 0, 0, TimeSpan.Zero))));

    [Fact]
    [Trait("Needs", "fixtures")]
    public void EximAcceptsTheReadmesTransportAndLooksUpEveryDomainOfEffsList()
    {
        var entries = EffEntries();
        string table = dir.File("starttls-policy");
        File.WriteAllBytes(table, MtaExport.Render(MtaFormat.Exim, entries, null, ["EFF's list"]));
        string config = dir.File("exim.conf");
        Directory.CreateDirectory(dir.File("spool"));
        File.WriteAllText(config, $"""
            spool_directory = {dir.File("spool")}
            log_file_path = {dir.File("spool")}/%slog
            primary_hostname = sender.probe.test
            begin routers
            dnslookup:
              driver = dnslookup
              transport = remote_smtp
            begin transports
            {ReadmeBlock("exim").Replace("/etc/exim4/starttls-policy", table, StringComparison.Ordinal)}
            """);

        var check = ExternalTool.Run(ProbeFixtures.Exim, ["-C", config, "-bV"]);
        Assert.True(check.ExitCode == 0, check.Output);

        string lookups = string.Concat(entries.Entries.Select(e => $"${{lookup{{{e.Domain}}}lsearch{{{table}}}{{$value}}{{ABSENT}}}}\n"));
        var answers = ExternalTool.Run(ProbeFixtures.Exim, ["-C", config, "-be"], input: lookups);
        var expected = entries.Entries.Select(e => e.Enforced ? string.Join(" : ", e.Patterns.Select(EximTable.HostListItem)) : "ABSENT");
        Assert.Equal(expected, answers.Output.Split('\n').Select(line => line.StartsWith("> ", StringComparison.Ordinal) ? line[2..] : line).Where(line => line.Length > 1));
        Assert.Contains(entries.Entries, e => e.Enforced);
        Assert.Contains(entries.Entries, e => !e.Enforced);
    }

    [Fact]
    [Trait("Needs", "fixtures")]
    public void MakemapBuildsTheSendmailEntriesOfEffsList()
    {
        var entries = EffEntries(earlyAdopter: true);
        string access = dir.File("access");
        File.WriteAllBytes(access, MtaExport.Render(MtaFormat.Sendmail, entries, null, ["EFF's list"]));
        File.WriteAllText(dir.File("empty.cf"), string.Empty);

        var build = ExternalTool.Run(ProbeFixtures.Makemap, ["-C", dir.File("empty.cf"), "hash", access], input: File.ReadAllText(access));
        var dump = ExternalTool.RunApart(ProbeFixtures.Makemap, ["-C", dir.File("empty.cf"), "-u", "hash", access]);

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Equal(
            entries.Entries.Select(e => $"tls_rcpt:{e.Domain}\tVERIFY").Order(StringComparer.Ordinal),
            dump.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    [Trait("Needs", "fixtures")]
    public void OpenSmtpdAcceptsTheReadmesConfigurationWithTheTableOfEffsList()
    {
        string table = dir.File("starttls-policy");
        File.WriteAllBytes(table, MtaExport.Render(MtaFormat.OpenSmtpd, EffEntries(), null, ["EFF's list"]));
        string config = dir.File("smtpd.conf");
        File.WriteAllText(config, ReadmeBlock("opensmtpd").Replace("/etc/mail/starttls-policy", table, StringComparison.Ordinal));

        var check = ExternalTool.Run(ProbeFixtures.Smtpd, ["-n", "-f", config]);

        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("configuration OK", check.Output, StringComparison.Ordinal);

        // The checker reads the table: one whose first entry is a key and a value is a mapping, which cannot list domains.
        File.WriteAllText(table, "key value\n" + File.ReadAllText(table));
        Assert.NotEqual(0, ExternalTool.Run(ProbeFixtures.Smtpd, ["-n", "-f", config]).ExitCode);
    }

    [Fact]
    [Trait("Needs", "fixtures")]
    public void HarakasLoaderReadsEveryEnforcedDomainOfEffsListAsForcedTls()
    {
        var entries = EffEntries();
        Directory.CreateDirectory(dir.File("haraka/config"));
        string section = Encoding.UTF8.GetString(MtaExport.Render(MtaFormat.Haraka, entries, null, ["EFF's list"]));
        File.WriteAllText(dir.File("haraka/config/tls.ini"), "[main]\nkey=tls_key.pem\n" + section);
        string script = "const c = require('haraka-config'); process.stdout.write(JSON.stringify(c.module_config(process.argv[1]).get('tls.ini')));";

        var loaded = ExternalTool.RunApart("/usr/bin/env", [$"NODE_PATH={ProbeFixtures.HarakaModules}", "node", "-e", script, dir.File("haraka")]);

        Assert.True(loaded.ExitCode == 0, loaded.Error);
        using var json = JsonDocument.Parse(loaded.Output);
        var forced = json.RootElement.GetProperty("outbound").GetProperty("force_tls_hosts").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(entries.Entries.Where(e => e.Enforced).Select(e => e.Domain), forced);
        Assert.Equal("tls_key.pem", json.RootElement.GetProperty("main").GetProperty("key").GetString());
    }

    [Fact]
    [Trait("Needs", "fixtures")]
    public void EximDeliversToAGoodListedDomainAndDefersBrokenOnesThatItDeliversToWhenNotListed()
    {
        string[] broken = ["selfsigned", "wrongname", "nostarttls"];
        var listed = Resolve(string.Join(", ", broken.Prepend("valid").Select(d => $"\"{d}.probe.test\": {{\"mode\": \"enforce\", \"mxs\": [\"mx.{d}.probe.test\"]}}")));
        using (var exim = new EximSender(MtaExport.Render(MtaFormat.Exim, listed, null, ["listed"])))
        {
            Assert.Contains("CV=yes", exim.Send("valid"), StringComparison.Ordinal);
            Assert.All(broken, d => Assert.Contains($"== user@{d}.probe.test R=dnslookup T=remote_smtp defer", exim.Send(d), StringComparison.Ordinal));
        }

        // The same configuration delivers to them when they are not listed: it is the table that refuses. (A fresh
        // spool: Exim's retry data would otherwise hold the hosts that just failed.)
        using (var exim = new EximSender(MtaExport.Render(MtaFormat.Exim, Resolve(string.Empty), null, ["empty"])))
        {
            Assert.All(broken, d => Assert.Contains($"=> user@{d}.probe.test R=dnslookup T=remote_smtp", exim.Send(d), StringComparison.Ordinal));
        }
    }

    private static MapEntryList Resolve(string policies) =>
        MapEntries.Resolve(Encoding.UTF8.GetBytes($"{{\"expires\": \"2026-12-12T00:00:00+00:00\", \"policies\": {{{policies}}}, \"timestamp\": \"2026-11-28T00:00:00+00:00\", \"version\": \"0.1\"}}"), earlyAdopter: false);

    private static MapEntryList EffEntries(bool earlyAdopter = false) => MapEntries.Resolve(File.ReadAllBytes(TestFiles.EffList), earlyAdopter);

    /// <summary>The README's code block of <paramref name="language"/>, as a user copies it.</summary>
    internal static string ReadmeBlock(string language)
    {
        string readme = File.ReadAllText(TestFiles.ConsumerDoc);
        int start = readme.IndexOf($"```{language}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"the README has no {language} block");
        start += language.Length + 4;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }
}

/// <summary>
/// A real Exim, unpacked from Debian's package, sending through the README's transport with the export as its table:
/// run as root with <c>-C</c>, its delivery processes as Debian-exim, its resolver pointed at the fixtures' DNS in a
/// mount namespace of its own (Exim reads <c>/etc/resolv.conf</c> and has no option for another).
/// </summary>
internal sealed class EximSender : IDisposable
{
    private readonly string _dir = Path.Combine(ProbeFixtures.Directory, $"exim-{Guid.NewGuid():N}");

    public EximSender(byte[] table)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "spool"));
        Directory.CreateDirectory(Path.Combine(_dir, "log"));
        Table(table);
        string transport = ExportTests.ReadmeBlock("exim").Replace("/etc/exim4/starttls-policy", TablePath, StringComparison.Ordinal)
            .Replace("  driver = smtp\n", $"  driver = smtp\n  port = {ProbeFixtures.SmtpPort}\n  tls_verify_certificates = {ProbeFixtures.CaFile}\n", StringComparison.Ordinal);
        File.WriteAllText(Config, $"""
            exim_path = {ProbeFixtures.Exim}
            spool_directory = {_dir}/spool
            log_file_path = {_dir}/log/%slog
            primary_hostname = sender.probe.test
            exim_user = Debian-exim
            exim_group = Debian-exim
            keep_environment =
            begin routers
            dnslookup:
              driver = dnslookup
              transport = remote_smtp
            begin transports
            {transport}
            begin retry
            * * F,1h,10m
            """);
        var chown = ExternalTool.Run("chown", ["-R", "Debian-exim:Debian-exim", Path.Combine(_dir, "spool"), Path.Combine(_dir, "log")]);
        Assert.True(chown.ExitCode == 0, chown.Output);
    }

    private string Config => Path.Combine(_dir, "exim.conf");

    private string TablePath => Path.Combine(_dir, "starttls-policy");

    private void Table(byte[] table) => File.WriteAllBytes(TablePath, table);

    /// <summary>Sends a message to user@NAME.probe.test in the foreground; the main log's lines for it.</summary>
    public string Send(string name)
    {
        string resolv = Path.GetFullPath(Path.Combine(ProbeFixtures.SenderConfig, "..", "spool", "etc", "resolv.conf"));
        string command = $"mount --bind {resolv} /etc/resolv.conf && exec {ProbeFixtures.Exim} -C {Config} -odf -oi -f sender@sender.probe.test user@{name}.probe.test";
        var sent = ExternalTool.Run("unshare", ["-m", "sh", "-c", command], input: "Subject: test\n\nhello\n");
        string mainlog = Path.Combine(_dir, "log", "mainlog");
        Assert.True(sent.ExitCode == 0 && File.Exists(mainlog), $"exim: {sent.Output}\n{File.ReadAllText(Config)}");
        string log = File.ReadAllText(mainlog);
        string id = log.Split('\n').Last(line => line.Contains($"<= sender@sender.probe.test", StringComparison.Ordinal)).Split(' ')[2];
        return string.Join('\n', log.Split('\n').Where(line => line.Contains(id, StringComparison.Ordinal)));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
