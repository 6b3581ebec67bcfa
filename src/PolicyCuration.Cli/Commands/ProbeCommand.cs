using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PolicyCuration.Cli.Rendering;
using PolicyCuration.Format;
using PolicyCuration.Format.Escaping;
using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;
using PolicyCuration.Probe.Vantage;
using Spectre.Console;

namespace PolicyCuration.Cli.Commands;

/// <summary><c>policyctl probe</c>: live checks of mail domains, judged against their entries when a list is given.</summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var domains = new Argument<string[]>("DOMAIN") { Description = "Domains to probe (default with --list: every domain of the list)", Arity = ArgumentArity.ZeroOrMore };
        var list = new Option<string?>("--list") { Description = "Judge each domain against its entry in this list" };
        var format = CommonOptions.Format("text", "json");
        var probe = new ProbeCommandOptions();
        var command = new Command("probe", """
            Probe mail domains live: MX records, a STARTTLS session with every address of every MX host,
            the TLS version, the certificate (chain, dates, name, the entry's patterns), MTA-STS, TLS-RPT and DANE.
            With --list, each domain is judged against its entry; without, the report says what an entry would need.
            The canaries are greeted first: when most cannot be reached, this host cannot judge anyone's port 25.
            Exit 0 without error findings, 1 with one, 2 for usage, 3 when the probing host is unhealthy.

            Examples:
              policyctl probe example.org
              policyctl probe yahoo.com --list policy/policy.json
              policyctl probe --list policy/policy.json --concurrency 64 --format json
              policyctl probe mail.test --dns 127.0.0.53:5353 --smtp-port 2525 --ca-file test-ca.pem --timeout 5
            """)
        { domains, list, format };
        probe.AddTo(command);
        command.SetAction(async (parsed, cancellation) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            try
            {
                var options = probe.Read(parsed);
                var targets = Targets(parsed.GetValue(domains) ?? [], parsed.GetValue(list));
                bool json = parsed.GetValue(format) == "json";
                using var prober = new DomainProber(options);
                bool passed;
                if (json)
                {
                    passed = await ProbeReportJson.WriteEachAsync(output, prober.ProbeInOrderAsync(targets, cancellation)).ConfigureAwait(false);
                }
                else
                {
                    var reports = ProgressShown()
                        ? await WithProgressAsync(prober, targets, cancellation).ConfigureAwait(false)
                        : await prober.ProbeAllAsync(targets, null, cancellation).ConfigureAwait(false);
                    ProbeReportText.Write(output, reports);
                    passed = reports.All(r => r.Passed);
                }

                var vantage = await prober.VantageAsync().ConfigureAwait(false);
                VantageReport.Write(error, vantage, prober.Statistics, "the failures above may be this host's, not the domains'; probe from a host that reaches port 25");
                return !vantage.Trusted && vantage.Status != VantageStatus.Unchecked ? ExitCodes.Inconclusive
                    : passed ? ExitCodes.Ok : ExitCodes.Findings;
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException or CryptographicException or InvalidDataException)
            {
                error.WriteLine($"policyctl probe: {ex.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    /// <summary>The targets: the named domains (with their entries when a list is given), or every domain of the list.</summary>
    private static IReadOnlyList<ProbeTarget> Targets(string[] domains, string? listPath)
    {
        if (listPath is null)
        {
            if (domains.Length == 0)
            {
                throw new ArgumentException("name at least one DOMAIN, or give --list to probe every domain of a list");
            }

            return [.. domains.Select(d => new ProbeTarget(CommonOptions.DomainName(d)))];
        }

        var read = PolicyListReader.ReadFile(listPath);
        var problems = read.Problems.Where(p => p.Severity == Severity.Error).ToList();
        if (read.List is not { } policyList || problems.Count > 0)
        {
            string first = problems.Count > 0 ? FindingText(problems[0]) : "unreadable";
            throw new InvalidDataException($"{listPath} cannot be read ({first}); run 'policyctl validate {listPath}'");
        }

        var entries = policyList.Policies.GroupBy(p => p.Name.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First());
        var names = domains.Length > 0 ? domains.Select(CommonOptions.DomainName) : entries.Keys.Order(StringComparer.Ordinal);
        return [.. names.Select(name =>
        {
            if (!entries.TryGetValue(name, out var entry))
            {
                throw new ArgumentException($"{name} has no entry in {listPath}; probe it without --list to see what an entry would need");
            }

            var policy = policyList.Resolve(entry.Policy)
                ?? throw new InvalidDataException($"{name} uses the unknown alias {entry.Policy.Alias}; run 'policyctl validate {listPath}'");
            return new ProbeTarget(name, policy.Mode, policy.Mxs ?? []);
        })];
    }

    private static string FindingText(Finding finding) =>
        finding.Location is { } at ? $"{at.Line}:{at.Column}: {finding.Code}: {finding.Message}" : $"{finding.Code}: {finding.Message}";

    // A bar only where someone watches: a terminal, outside CI.
    private static bool ProgressShown() =>
        !Console.IsOutputRedirected && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null;

    private static async Task<IReadOnlyList<DomainReport>> WithProgressAsync(DomainProber prober, IReadOnlyList<ProbeTarget> targets, CancellationToken cancellation)
    {
        IReadOnlyList<DomainReport> reports = [];
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"probing {targets.Count} domain{(targets.Count == 1 ? string.Empty : "s")}", maxValue: targets.Count);
                reports = await prober.ProbeAllAsync(targets, _ => task.Increment(1), cancellation).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return reports;
    }
}

/// <summary>The probe options shared by <c>probe</c> and the commands that probe (check-pr, audit, add).</summary>
internal sealed class ProbeCommandOptions
{
    // Each default can come from the environment, so that a vantage (a self-hosted runner) sets its resolver, ports
    // and trust roots once for every workflow step that probes.
    private readonly Option<string?> dns = new("--dns") { Description = "DNS server as IP:PORT (default: $POLICYCTL_DNS, else the servers of /etc/resolv.conf)", DefaultValueFactory = _ => CommonOptions.Setting("POLICYCTL_DNS") };
    private readonly Option<int> smtpPort = new("--smtp-port") { Description = "SMTP port of every MX host (default: $POLICYCTL_SMTP_PORT, else 25)", DefaultValueFactory = result => PortSetting(result, "POLICYCTL_SMTP_PORT", 25) };
    private readonly Option<int> httpsPort = new("--https-port") { Description = "HTTPS port of every mta-sts host (default: $POLICYCTL_HTTPS_PORT, else 443)", DefaultValueFactory = result => PortSetting(result, "POLICYCTL_HTTPS_PORT", 443) };
    private readonly Option<string?> caFile = new("--ca-file") { Description = "Trust only the CA certificates in this PEM file (default: $POLICYCTL_CA_FILE, else the system trust store)", DefaultValueFactory = _ => CommonOptions.Setting("POLICYCTL_CA_FILE") };
    private readonly Option<bool> allowPrivate = new("--allow-private-addresses") { Description = "Connect to loopback, private, link-local and other non-public addresses too (tests, self-hosted setups; default: $POLICYCTL_ALLOW_PRIVATE_ADDRESSES is 1 or true)", DefaultValueFactory = _ => CommonOptions.Setting("POLICYCTL_ALLOW_PRIVATE_ADDRESSES") is "1" or "true" };
    private readonly Option<string> ehlo = new("--ehlo") { Description = "Name sent with EHLO: the vantage's own name, with matching reverse DNS (default: $POLICYCTL_EHLO, else policy-probe.invalid)", DefaultValueFactory = _ => CommonOptions.Setting("POLICYCTL_EHLO") ?? new ProbeOptions().EhloName };
    private readonly Option<string?> canaries = new("--canaries") { Description = $"Mail hosts greeted first to check the vantage, one per line (default: $POLICYCTL_CANARIES, else {DefaultCanaries} when it exists)", DefaultValueFactory = _ => CommonOptions.Setting("POLICYCTL_CANARIES") };
    private readonly Option<string> vantage = new("--vantage") { Description = "The name of the place this probe runs from, recorded with audit results (default: $POLICYCTL_VANTAGE, else local)", DefaultValueFactory = _ => CommonOptions.Setting("POLICYCTL_VANTAGE") ?? new ProbeOptions().VantageId };
    private readonly Option<double> timeout = new("--timeout") { Description = "Seconds allowed for each network step", DefaultValueFactory = _ => 30 };
    private readonly Option<int> concurrency = new("--concurrency") { Description = "Domains, and MX sessions, probed at once", DefaultValueFactory = _ => new ProbeOptions().Concurrency };
    private readonly Option<int> perAddress = new("--sessions-per-address") { Description = "SMTP sessions to one address at once", DefaultValueFactory = _ => new ProbeOptions().SessionsPerAddress };

    public void AddTo(Command command)
    {
        command.Options.Add(dns);
        command.Options.Add(smtpPort);
        command.Options.Add(httpsPort);
        command.Options.Add(caFile);
        command.Options.Add(allowPrivate);
        command.Options.Add(ehlo);
        command.Options.Add(timeout);
        command.Options.Add(concurrency);
        command.Options.Add(perAddress);
        command.Options.Add(canaries);
        command.Options.Add(vantage);
    }

    /// <summary>The canaries file used when none is named: the repository's.</summary>
    public const string DefaultCanaries = "vantage/canaries.txt";

    /// <summary>The probe options the command line asks for.</summary>
    /// <exception cref="ArgumentException">A value out of range or unreadable.</exception>
    public ProbeOptions Read(ParseResult parsed)
    {
        double seconds = parsed.GetValue(timeout);
        if (!(seconds is > 0 and <= 600))
        {
            throw new ArgumentException($"--timeout {seconds.ToString(CultureInfo.InvariantCulture)}: give seconds from 0 to 600");
        }

        int slots = parsed.GetValue(concurrency);
        if (slots is < 1 or > 4096)
        {
            throw new ArgumentException($"--concurrency {slots}: give 1 to 4096");
        }

        int sessions = parsed.GetValue(perAddress);
        if (sessions is < 1 or > 4096)
        {
            throw new ArgumentException($"--sessions-per-address {sessions}: give 1 to 4096");
        }

        return new ProbeOptions
        {
            SessionsPerAddress = sessions,
            DnsServer = parsed.GetValue(dns) is { } server ? ParseServer(server) : null,
            SmtpPort = Port(parsed.GetValue(smtpPort), "--smtp-port"),
            HttpsPort = Port(parsed.GetValue(httpsPort), "--https-port"),
            TrustRoots = parsed.GetValue(caFile) is { } path ? LoadRoots(path) : null,
            EhloName = parsed.GetValue(ehlo)!,
            AllowPrivateAddresses = parsed.GetValue(allowPrivate),
            Timeout = TimeSpan.FromSeconds(seconds),
            Concurrency = slots,
            Canaries = parsed.GetValue(canaries) is { } file ? Canaries.Read(file) : File.Exists(DefaultCanaries) ? Canaries.Read(DefaultCanaries) : [],
            VantageId = VantageName(parsed.GetValue(vantage)!),
        };
    }

    private static string VantageName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? name
            : throw new ArgumentException($"--vantage: \"{name}\" is not a vantage name (1 to 64 letters, digits, '-', '_', '.')");

    private static int PortSetting(System.CommandLine.Parsing.ArgumentResult result, string variable, int fallback)
    {
        if (CommonOptions.Setting(variable) is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port))
        {
            return port;
        }

        result.AddError($"${variable} is \"{text}\": give a port from 1 to 65535");
        return fallback;
    }

    private static IPEndPoint ParseServer(string text)
    {
        if (IPEndPoint.TryParse(text, out var endpoint))
        {
            if (endpoint.Port == 0)
            {
                endpoint.Port = 53;
            }

            return endpoint;
        }

        throw new ArgumentException($"--dns {text}: give an IP address and optional port, such as 127.0.0.1:5353 or [::1]:53");
    }

    private static int Port(int port, string name) =>
        port is >= 1 and <= 65535 ? port : throw new ArgumentException($"{name} {port}: give a port from 1 to 65535");

    private static X509Certificate2Collection LoadRoots(string path)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(path);
        if (roots.Count == 0)
        {
            throw new ArgumentException($"--ca-file {path}: no PEM certificate in it");
        }

        return roots;
    }
}
