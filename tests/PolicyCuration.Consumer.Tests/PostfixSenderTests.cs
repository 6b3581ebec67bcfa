using System.Diagnostics;
using PolicyCuration.Format.Model;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

/// <summary>
/// The map in force: a real Postfix, the sender, with the consumer's map as its smtp_tls_policy_maps, delivers to a
/// listed domain whose MX proves itself and defers mail to listed domains whose MX cannot; the same mail goes through
/// once the admin's overrides leave those domains out.
/// </summary>
[Trait("Needs", "fixtures")]
public sealed class PostfixSenderTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TemporaryDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void TheMapMakesPostfixRefuseWhatTheListForbidsAndAnOverrideLetsItThrough()
    {
        string config = ProbeFixtures.SenderConfig;
        Postfix("postsuper", "-c", config, "-d", "ALL");
        Releases.WriteSignedByNewKey(dir.File("r1"), dir.File("release.pub"), Releases.PolicyList(
            ("valid.probe.test", PolicyMode.Enforce, ["mx.valid.probe.test", "mx2.valid.probe.test"]),
            ("selfsigned.probe.test", PolicyMode.Enforce, ["mx.selfsigned.probe.test"]),
            ("wrongname.probe.test", PolicyMode.Enforce, ["mx.wrongname.probe.test"]),
            ("nostarttls.probe.test", PolicyMode.Enforce, ["mx.nostarttls.probe.test"])));
        Update();

        string[] broken = ["selfsigned.probe.test", "wrongname.probe.test", "nostarttls.probe.test"];
        var ids = new[] { "valid.probe.test" }.Concat(broken).ToDictionary(d => d, Send);

        Assert.True(WaitFor(() => Status(ids["valid.probe.test"]) == "sent"), Describe(ids));
        Assert.True(WaitFor(() => broken.All(d => Status(ids[d]) == "deferred")), Describe(ids));
        string log = File.ReadAllText(ProbeFixtures.SenderLog);
        Assert.Contains("Verified TLS connection established to mx.valid.probe.test", log);
        Assert.Contains(Reason(ids["selfsigned.probe.test"]), log);
        Assert.Matches("certificate verification failed|Server certificate not verified", Reason(ids["selfsigned.probe.test"]));
        Assert.Matches("certificate verification failed|Server certificate not verified|Server certificate not trusted", Reason(ids["wrongname.probe.test"]));
        Assert.Contains("TLS is required, but was not offered", Reason(ids["nostarttls.probe.test"]));

        // The admin leaves the broken domains out: the deferred mail goes through, opportunistically, as unlisted mail does.
        File.WriteAllLines(dir.File("overrides"), broken.Select(d => $"{d} none"));
        Update("--override", dir.File("overrides"));
        Postfix("postqueue", "-c", config, "-f");

        Assert.True(WaitFor(() => broken.All(d => Status(ids[d]) == "sent")), Describe(ids));
    }

    [Fact]
    public async Task TheSocketmapServerOnLoopbackReachesAChrootedSmtpAndMakesItRefuseWhatTheListForbids()
    {
        string config = ProbeFixtures.SenderConfig;
        Postfix("postsuper", "-c", config, "-d", "ALL");
        Releases.WriteSignedByNewKey(dir.File("r1"), dir.File("release.pub"), Releases.PolicyList(
            ("valid.probe.test", PolicyMode.Enforce, ["mx.valid.probe.test", "mx2.valid.probe.test"]),
            ("selfsigned.probe.test", PolicyMode.Enforce, ["mx.selfsigned.probe.test"])));
        var installed = new StringWriter();
        Assert.True(
            StarttlsPolicy.Run(["update", "--source", dir.File("r1"), "--public-key", dir.File("release.pub"), "--state-dir", dir.File("state")], TextWriter.Null, installed) == ConsumerExitCodes.Ok,
            installed.ToString());

        int port;
        using (var free = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            free.Start();
            port = ((System.Net.IPEndPoint)free.LocalEndpoint).Port;
        }

        using var stop = new CancellationTokenSource();
        var said = new StringWriter();
        var server = Task.Run(() => StarttlsPolicy.Run(
            ["serve", "--socketmap", $"inet:127.0.0.1:{port}", "--public-key", dir.File("release.pub"), "--state-dir", dir.File("state")],
            TextWriter.Null, said, TimeProvider.System, stop.Token));
        try
        {
            // The sender's smtp runs chrooted, as Debian's master.cf has it: a socket on loopback reaches it where a path would not.
            Postfix("postconf", "-c", config, "-e", $"smtp_tls_policy_maps = socketmap:inet:127.0.0.1:{port}:starttls-policy");
            Postfix("postfix", "-c", config, "reload");
            Assert.True(WaitFor(() => ExternalTool.Run("postmap", ["-q", "valid.probe.test", $"socketmap:inet:127.0.0.1:{port}:starttls-policy"]).ExitCode == 0), said.ToString());

            var ids = new[] { "valid.probe.test", "selfsigned.probe.test" }.ToDictionary(d => d, Send);

            Assert.True(WaitFor(() => Status(ids["valid.probe.test"]) == "sent"), Describe(ids));
            Assert.True(WaitFor(() => Status(ids["selfsigned.probe.test"]) == "deferred"), Describe(ids));
            Assert.Matches("certificate verification failed|Server certificate not verified", Reason(ids["selfsigned.probe.test"]));
            Assert.DoesNotContain("socketmap", Reason(ids["selfsigned.probe.test"]), StringComparison.Ordinal);
        }
        finally
        {
            Postfix("postconf", "-c", config, "-e", $"smtp_tls_policy_maps = hash:{ProbeFixtures.SenderMap}");
            Postfix("postfix", "-c", config, "reload");
            await stop.CancelAsync();
            await server;
        }
    }

    [Fact]
    public void UnderDaneTheMapLeavesPostfixToAuthenticateByTlsaRecords()
    {
        string config = ProbeFixtures.SenderConfig;
        Postfix("postsuper", "-c", config, "-d", "ALL");

        // pinned: a self-signed certificate that a signed TLSA record pins. wrongkey: a certificate from the CA Postfix
        // trusts, named as the list says, that the signed TLSA record does not pin.
        Releases.WriteSignedByNewKey(dir.File("r1"), dir.File("release.pub"), Releases.PolicyList(
            ("pinned.dane.test", PolicyMode.Enforce, ["mx-pinned.dane.test"]),
            ("wrongkey.dane.test", PolicyMode.Enforce, ["mx-wrongkey.dane.test"])));

        // Without --dane the list's secure entry decides: the CA's word counts and the pinned key does not.
        Update();
        var ids = new[] { "pinned.dane.test", "wrongkey.dane.test" }.ToDictionary(d => d, Send);
        Assert.True(WaitFor(() => Status(ids["wrongkey.dane.test"]) == "sent" && Status(ids["pinned.dane.test"]) == "deferred"), Describe(ids));

        // Under --dane both are dane-only: the pinned key lets the waiting message through, and the CA no longer suffices.
        Update("--dane", "--dns-server", ProbeFixtures.Resolver.ToString());
        Assert.Contains("pinned.dane.test\tdane-only", File.ReadAllText(ProbeFixtures.SenderMap));
        Postfix("postqueue", "-c", config, "-f");
        Assert.True(WaitFor(() => Status(ids["pinned.dane.test"]) == "sent"), Describe(ids));
        ids["wrongkey.dane.test again"] = Send("wrongkey.dane.test");
        Assert.True(WaitFor(() => Status(ids["wrongkey.dane.test again"]) == "deferred"), Describe(ids));

        string log = File.ReadAllText(ProbeFixtures.SenderLog);
        Assert.Contains("Verified TLS connection established to mx-pinned.dane.test", log);
        Assert.Contains("mx-wrongkey.dane.test[127.0.10.11]:2525: num=65:no matching DANE TLSA records", log);
        Assert.Matches("certificate verification failed|Server certificate not trusted|not verified", Reason(ids["wrongkey.dane.test again"]));
    }

    [Fact]
    public void FollowingThePackagesStepsNeverStopsMailFromInstallToPurge()
    {
        string deb = Environment.GetEnvironmentVariable("POLICYCURATION_DEB") is { Length: > 0 } built && File.Exists(built) ? built
            : throw new InvalidOperationException("POLICYCURATION_DEB names no package: tools/test.sh builds it and sets it");
        string config = ProbeFixtures.SenderConfig;
        string root = dir.File("root");
        foreach (string made in new[] { "var/lib/dpkg/info", "var/lib/dpkg/updates", "etc/postfix" })
        {
            Directory.CreateDirectory(Path.Combine(root, made));
        }

        File.WriteAllText(Path.Combine(root, "var/lib/dpkg/status"), string.Empty);
        string map = Path.Combine(root, "etc/postfix/starttls-policy");
        Releases.WriteSignedByNewKey(dir.File("r1"), dir.File("release.pub"), Releases.PolicyList(
            ("valid.probe.test", PolicyMode.Enforce, ["mx.valid.probe.test", "mx2.valid.probe.test"]),
            ("selfsigned.probe.test", PolicyMode.Enforce, ["mx.selfsigned.probe.test"])));
        Postfix("postsuper", "-c", config, "-d", "ALL");
        try
        {
            // 1. Install: the package's message says the steps; the empty map is there before Postfix is told about it.
            string installed = Dpkg(root, "-i", deb);
            Assert.Contains("Only then, point Postfix at the map", installed, StringComparison.OrdinalIgnoreCase);
            Assert.True(File.Exists(map + ".db"), "the package left no map database for Postfix to open");

            // 2. The admin's first update, checked with postmap -q, then Postfix pointed at the map, as the steps say.
            string binary = Path.Combine(root, "usr/bin/starttls-policy");
            var (code, said) = ExternalTool.Run(binary, ["update", "--source", dir.File("r1"), "--public-key", dir.File("release.pub"), "--state-dir", Path.Combine(root, "var/lib/starttls-policy"),
                "--postfix-map", map, "--postmap", "--reload", $"/usr/sbin/postfix -c {config} reload"]);
            Assert.True(code == 0, said);
            Assert.Equal((0, "secure match=mx.valid.probe.test:mx2.valid.probe.test servername=hostname\n"), ExternalTool.Run("/usr/sbin/postmap", ["-q", "valid.probe.test", $"hash:{map}"]));
            Postfix("postconf", "-c", config, "-e", $"smtp_tls_policy_maps = hash:{map}");
            File.WriteAllText(Path.Combine(root, "etc/postfix/main.cf"), "smtp_tls_policy_maps = hash:/etc/postfix/starttls-policy\n");
            Postfix("postfix", "-c", config, "reload");
            Assert.Equal("sent", Delivered("valid.probe.test"));
            Assert.Equal("deferred", Delivered("selfsigned.probe.test", expect: "deferred"));

            // 3. Removed: the map nothing updates any more holds no policy, and Postfix can still open it.
            string removed = Dpkg(root, "-r", "starttls-policy");
            Assert.Contains("postconf -X smtp_tls_policy_maps", removed, StringComparison.Ordinal);
            Postfix("postfix", "-c", config, "reload");
            Assert.Equal("sent", Delivered("valid.probe.test"));
            Assert.Equal("sent", Delivered("selfsigned.probe.test"));

            // 4. Purged while Postfix still names the map: it stays, empty, and mail still flows.
            Dpkg(root, "-P", "starttls-policy");
            Assert.True(File.Exists(map) && File.Exists(map + ".db"), "purge took the map Postfix still names");
            Postfix("postfix", "-c", config, "reload");
            Assert.Equal("sent", Delivered("valid.probe.test"));
        }
        finally
        {
            Postfix("postconf", "-c", config, "-e", $"smtp_tls_policy_maps = hash:{ProbeFixtures.SenderMap}");
            Postfix("postfix", "-c", config, "reload");
        }
    }

    /// <summary>Sends a message to <paramref name="domain"/> and waits for it to be <paramref name="expect"/>; returns its status.</summary>
    private static string? Delivered(string domain, string expect = "sent")
    {
        Thread.Sleep(TimeSpan.FromSeconds(2));
        string id = Send(domain);
        WaitFor(() => Status(id) == expect);
        return Status(id);
    }

    private static string Dpkg(string root, params string[] arguments)
    {
        var (code, output) = ExternalTool.Run("dpkg", ["--root=" + root, "--force-script-chrootless", "--force-depends", "--force-not-root", .. arguments]);
        Assert.True(code == 0, $"dpkg {string.Join(' ', arguments)}: {output}");
        return output;
    }

    private void Update(params string[] extra)
    {
        var error = new StringWriter();
        int code = StarttlsPolicy.Run(
            ["update", "--source", dir.File("r1"), "--public-key", dir.File("release.pub"), "--state-dir", dir.File("state"),
             "--postfix-map", ProbeFixtures.SenderMap, "--postmap", "--reload", $"/usr/sbin/postfix -c {ProbeFixtures.SenderConfig} reload", .. extra],
            TextWriter.Null, error);
        Assert.True(code == ConsumerExitCodes.Ok, error.ToString());

        // Postfix's processes reopen a changed table when they next start; the reload has them all do it now.
        Thread.Sleep(TimeSpan.FromSeconds(2));
    }

    /// <summary>Submits a message to <paramref name="domain"/>; returns its queue id.</summary>
    private static string Send(string domain)
    {
        string before = File.Exists(ProbeFixtures.SenderLog) ? File.ReadAllText(ProbeFixtures.SenderLog) : string.Empty;
        var (code, output) = ExternalTool.Run(
            "/usr/sbin/sendmail", ["-C", ProbeFixtures.SenderConfig, "-f", "admin@sender.probe.test", "--", $"postmaster@{domain}"],
            input: $"From: admin@sender.probe.test\nTo: postmaster@{domain}\nSubject: policy test {domain}\n\nA message for {domain}.\n");
        Assert.True(code == 0, output);
        string? id = null;
        Assert.True(WaitFor(() => (id = QueueId(before, domain)) is not null), $"no queue id for {domain} in the sender's log");
        return id!;
    }

    private static string? QueueId(string before, string domain)
    {
        string log = File.ReadAllText(ProbeFixtures.SenderLog);
        var match = System.Text.RegularExpressions.Regex.Matches(log[Math.Min(before.Length, log.Length)..], @"\]: ([0-9A-F]{6,}): to=<postmaster@" + System.Text.RegularExpressions.Regex.Escape(domain) + ">")
            .FirstOrDefault();
        return match?.Groups[1].Value;
    }

    /// <summary>The last delivery status the log gives <paramref name="id"/>: sent, deferred, bounced; null before the first attempt.</summary>
    private static string? Status(string id) =>
        System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(ProbeFixtures.SenderLog), $@"{id}: to=<[^>]*>.*status=(\w+)").LastOrDefault()?.Groups[1].Value;

    private static string Reason(string id) =>
        System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(ProbeFixtures.SenderLog), $@"{id}: to=<[^>]*>.*status=deferred \((.*)\)").LastOrDefault()?.Groups[1].Value ?? "(no reason logged)";

    private static string Describe(Dictionary<string, string> ids) =>
        string.Join("\n", ids.Select(p => $"{p.Key} ({p.Value}): {Status(p.Value) ?? "no attempt"}")) + "\n--- sender log, end:\n" + Tail(File.ReadAllText(ProbeFixtures.SenderLog));

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;

    private static bool WaitFor(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(250);
        }

        return condition();
    }

    private static void Postfix(string program, params string[] arguments)
    {
        var (code, output) = ExternalTool.Run($"/usr/sbin/{program}", arguments);
        Assert.True(code == 0, $"{program} {string.Join(' ', arguments)}: {output}");
    }
}
