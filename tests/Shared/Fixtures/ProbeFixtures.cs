using System.Net;
using System.Security.Cryptography.X509Certificates;
using PolicyCuration.Probe;

namespace PolicyCuration.Testing;

/// <summary>
/// The servers tools/fixtures/start.sh runs on loopback (dnsmasq, Postfix, nginx, a test CA), as the tests reach them.
/// When they are not running, every test that needs them fails and says how to start them.
/// </summary>
internal static class ProbeFixtures
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Settings = new(Load);

    /// <summary>The fixture directory: $POLICYCURATION_FIXTURES, else the scripts' default.</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable("POLICYCURATION_FIXTURES") is { Length: > 0 } dir ? dir : "/tmp/policycuration-fixtures";

    /// <summary>dnsmasq, serving the zone probe.test.</summary>
    public static IPEndPoint Dns => IPEndPoint.Parse(Settings.Value["DNS"]);

    /// <summary>unbound on port 53: validates the signed zone dane.test (served by nsd) and forwards the rest to <see cref="Dns"/>.</summary>
    public static IPEndPoint Resolver => IPEndPoint.Parse(Settings.Value["RESOLVER"]);

    /// <summary>The port of every Postfix smtpd.</summary>
    public static int SmtpPort => int.Parse(Settings.Value["SMTP_PORT"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>nginx's HTTPS port.</summary>
    public static int HttpsPort => int.Parse(Settings.Value["HTTPS_PORT"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The test CA's certificate.</summary>
    public static string CaFile => Settings.Value["CA_FILE"];

    /// <summary>The directory of the test CA's certificates and keys.</summary>
    public static string CaDirectory => Settings.Value["CA_DIR"];

    /// <summary>The directory nginx serves over HTTPS at <see cref="ReleasesUrl"/> (world-writable; <c>slow/</c> is rate-limited).</summary>
    public static string ReleasesDirectory => Settings.Value["RELEASES_DIR"];

    /// <summary>The HTTPS base URL of <see cref="ReleasesDirectory"/>, certificate from the test CA.</summary>
    public static string ReleasesUrl => Settings.Value["RELEASES_URL"];

    /// <summary>The canaries file of two fixture hosts that answer: a healthy vantage.</summary>
    public static string Canaries => Settings.Value["CANARIES"];

    /// <summary>A canaries file of one host whose port nobody serves: a vantage that cannot reach port 25.</summary>
    public static string DeadCanaries => Settings.Value["CANARIES_DEAD"];

    /// <summary>The configuration directory of the sending Postfix, whose smtp_tls_policy_maps is <see cref="SenderMap"/>.</summary>
    public static string SenderConfig => Settings.Value["SENDER_CONFIG"];

    /// <summary>The sending Postfix's TLS policy map (hash:), for the consumer to write.</summary>
    public static string SenderMap => Settings.Value["SENDER_MAP"];

    /// <summary>The sending Postfix's log.</summary>
    public static string SenderLog => Settings.Value["SENDER_LOG"];

    /// <summary>Exim's binary, unpacked from Debian's package (it conflicts with Postfix).</summary>
    public static string Exim => Settings.Value["EXIM"];

    /// <summary>Sendmail's <c>makemap</c>, unpacked from Debian's package.</summary>
    public static string Makemap => Settings.Value["MAKEMAP"];

    /// <summary>OpenSMTPD's <c>smtpd</c>, unpacked from Debian's package.</summary>
    public static string Smtpd => Settings.Value["SMTPD"];

    /// <summary>The <c>node_modules</c> that hold Haraka's config loader, <c>haraka-config</c>.</summary>
    public static string HarakaModules => Settings.Value["HARAKA_MODULES"];

    /// <summary>A port nothing listens on: what a vantage whose port 25 is blocked meets at every MX.</summary>
    public static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Probe options pointing at the fixtures (on loopback, so private addresses are allowed) and trusting only the test CA.</summary>
    public static ProbeOptions Options(double timeoutSeconds = 10)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(CaFile);
        return new ProbeOptions
        {
            DnsServer = Dns,
            SmtpPort = SmtpPort,
            HttpsPort = HttpsPort,
            TrustRoots = roots,
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
            AllowPrivateAddresses = true,
            Canaries = PolicyCuration.Probe.Vantage.Canaries.Read(Canaries),
        };
    }

    /// <summary>The arguments that point <c>policyctl probe</c> at the fixtures.</summary>
    public static string[] CommandLine(double timeoutSeconds = 10) =>
        ["--dns", Settings.Value["DNS"], "--smtp-port", Settings.Value["SMTP_PORT"], "--https-port", Settings.Value["HTTPS_PORT"],
         "--ca-file", CaFile, "--timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--allow-private-addresses",
         "--canaries", Canaries];

    private static IReadOnlyDictionary<string, string> Load()
    {
        string file = Path.Combine(Directory, "fixtures.env");
        if (!File.Exists(file))
        {
            throw new InvalidOperationException(
                $"the probe fixtures are not running ({file} is missing): start them with 'sudo tools/fixtures/start.sh', as tools/test.sh does");
        }

        return File.ReadAllLines(file)
            .Where(line => line.Contains('='))
            .ToDictionary(line => line[..line.IndexOf('=')], line => line[(line.IndexOf('=') + 1)..]);
    }
}
