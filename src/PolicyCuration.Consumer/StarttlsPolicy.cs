using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using PolicyCuration.Consumer.Dane;
using PolicyCuration.Consumer.Exports;
using PolicyCuration.Consumer.Socketmap;
using PolicyCuration.Format.Escaping;
using PolicyCuration.Signing;

namespace PolicyCuration.Consumer;

/// <summary>The <c>starttls-policy</c> command line.</summary>
public static class StarttlsPolicy
{
    /// <summary>The state directory when none is given.</summary>
    public const string DefaultStateDirectory = "/var/lib/starttls-policy";

    /// <summary>Runs the tool; returns its exit code (<see cref="ConsumerExitCodes"/>).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, TimeProvider? clock = null, CancellationToken cancellation = default)
    {
        clock ??= TimeProvider.System;
        var stateDir = new Option<string>("--state-dir") { Description = "Where verified releases are kept", DefaultValueFactory = _ => DefaultStateDirectory };
        var keys = new Option<string[]>("--public-key") { Description = "A pinned minisign public key file (give two while rotating: current and next)", Required = true, AllowMultipleArgumentsPerToken = false };
        var earlyAdopter = new Option<bool>("--early-adopter") { Description = "Enforce domains in testing mode too" };
        var noServerName = new Option<bool>("--no-servername") { Description = "Leave out servername=hostname (SNI), for Postfix before 3.4" };
        var dane = new Option<bool>("--dane")
        {
            Description = "Write 'dane-only' for enforced domains whose MX records and every MX host's TLSA records the resolver validates (DNSSEC), so that Postfix keeps DANE for them; needs a validating resolver and smtp_dns_support_level = dnssec",
        };
        var dnsServer = new Option<string?>("--dns-server") { Description = "The validating resolver --dane asks, IP or IP:PORT (default: /etc/resolv.conf's, as Postfix)" };
        var overrides = new Option<string?>("--override") { Description = "Local overrides, one domain a line: 'DOMAIN none' leaves it out, 'DOMAIN secure match=…' or 'DOMAIN dane-only' replaces or adds it" };

        var source = new Option<string>("--source") { Description = "An https:// base URL or a directory holding policy.json, manifest.json and their .minisig", Required = true };
        var map = new Option<string?>("--postfix-map") { Description = "The smtp_tls_policy_maps file to write" };
        var postmap = new Option<bool>("--postmap") { Description = "Run postmap on the map (atomically)" };
        var postmapPath = new Option<string?>("--postmap-path") { Description = "The postmap program (default: postconf -h command_directory's, else /usr/sbin/postmap)" };
        var reload = new Option<string?>("--reload")
        {
            Description = "A command run after the map or an export changed, by absolute path (cron's PATH is /usr/bin:/bin), such as '/usr/sbin/postfix reload'; a failed reload is retried by the next run",
        };
        var quiet = new Option<bool>("--quiet") { Description = "Say nothing when all is well (cron mails any output); problems still go to standard error" };
        var exports = new Option<string[]>("--export")
        {
            Description = "Also write FILE for another mail server, FORMAT=FILE with FORMAT exim, sendmail, opensmtpd or haraka (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var caFile = new Option<string?>("--ca-file") { Description = "Trust only these CA certificates for HTTPS (default: the system store)" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds allowed for each file", DefaultValueFactory = _ => 60 };
        var update = new Command("update", """
            Fetch the release, verify both signatures against the pinned keys and the manifest's hashes, refuse a lower
            serial than the installed one and an expired release, install it atomically, and write the Postfix map
            atomically. On any failure the last good release and map are kept. What went well goes to standard output
            (nothing with --quiet), problems to standard error.

            Example (cron):
              starttls-policy update --source https://example.org/releases/latest --public-key /etc/starttls-policy/release.pub \
                --postfix-map /etc/postfix/starttls-policy --postmap --reload '/usr/sbin/postfix reload' --quiet
            """)
        { source, keys, stateDir, map, exports, earlyAdopter, noServerName, dane, dnsServer, overrides, postmap, postmapPath, reload, caFile, timeout, quiet };
        update.SetAction(async (parsed, cancellation) =>
        {
            var roots = parsed.GetValue(caFile) is { } ca ? LoadRoots(ca) : null;
            using var from = new ReleaseSource(parsed.GetValue(source)!, TimeSpan.FromSeconds(parsed.GetValue(timeout)), roots);
            using var report = new RunReport(parsed.GetValue(quiet) ? TextWriter.Null : output, error);
            var updater = new Updater(new InstalledState(parsed.GetValue(stateDir)!), LoadKeys(parsed.GetValue(keys)!), clock);
            var outcome = await updater.RunAsync(
                from,
                new MapOptions(parsed.GetValue(map), Rendering(parsed), parsed.GetValue(postmap), parsed.GetValue(reload), parsed.GetValue(postmapPath), ExportTargets(parsed.GetValue(exports) ?? []), Survey(parsed)),
                report,
                cancellation).ConfigureAwait(false);
            return outcome switch
            {
                UpdateOutcome.Current => ConsumerExitCodes.Ok,
                UpdateOutcome.Expired => ConsumerExitCodes.Expired,
                _ => ConsumerExitCodes.Refused,
            };
        });

        var verify = new Command("verify", "Verify the installed release again: signatures, hashes, expiry.\n\nExample:\n  starttls-policy verify --public-key /etc/starttls-policy/release.pub")
        { keys, stateDir };
        verify.SetAction(parsed =>
        {
            var release = Installed(parsed.GetValue(stateDir)!, LoadKeys(parsed.GetValue(keys)!), clock);
            output.WriteLine($"serial {release.Manifest.Serial}: signatures, hashes and expiry verified (key {release.Key.Id}, expires {ReleaseManifest.Format(release.Manifest.Expires)})");
            return ConsumerExitCodes.Ok;
        });

        var export = new Command("export", "Print the installed list in a mail server's format.");
        var postfix = new Command("postfix", "Print the Postfix smtp_tls_policy_maps table of the installed release.\n\nExample:\n  starttls-policy export postfix --public-key release.pub > /etc/postfix/starttls-policy")
        { keys, stateDir, earlyAdopter, noServerName, dane, dnsServer, overrides };
        postfix.SetAction(async (parsed, cancellation) =>
        {
            var release = InstalledForExport(parsed.GetValue(stateDir)!, LoadKeys(parsed.GetValue(keys)!), clock);
            var rendering = Rendering(parsed);
            var entries = MapEntries.Resolve(release.List, rendering.EarlyAdopter);
            if (Survey(parsed) is { } survey)
            {
                rendering = await survey.ApplyAsync(entries, rendering, error, cancellation).ConfigureAwait(false);
            }

            var body = PostfixMap.Render(entries, rendering);
            TerminalWriter.WriteUtf8(output, Updater.MapHeader(release, body, rendering));
            TerminalWriter.WriteUtf8(output, body.Body.Span);
            return ConsumerExitCodes.Ok;
        });
        export.Subcommands.Add(postfix);
        foreach (var (name, format) in MtaFormatNames.All.Where(pair => pair.Value != MtaFormat.Postfix))
        {
            var other = new Command(name, $"Print the installed release for {name} (the README's section on {name} says what it enforces and how to use it).\n\nExample:\n  starttls-policy export {name} --public-key release.pub > starttls-policy.{name}")
            { keys, stateDir, earlyAdopter, overrides };
            other.SetAction(parsed =>
            {
                var release = InstalledForExport(parsed.GetValue(stateDir)!, LoadKeys(parsed.GetValue(keys)!), clock);
                var rendering = Rendering(parsed);
                var entries = MapEntries.Resolve(release.List, rendering.EarlyAdopter);
                output.Write(System.Text.Encoding.UTF8.GetString(MtaExport.Render(format, entries, rendering.Overrides, Updater.ReleaseHeader(release, entries.Expires))));
                return ConsumerExitCodes.Ok;
            });
            export.Subcommands.Add(other);
        }

        var status = new Command("status", "Show the installed release (serial, age, expiry) and the local overrides.\n\nExample:\n  starttls-policy status --override /etc/starttls-policy/overrides") { stateDir, overrides };
        status.SetAction(parsed =>
        {
            var state = new InstalledState(parsed.GetValue(stateDir)!);
            if (state.ReadCurrent() is not { } files)
            {
                output.WriteLine($"no release installed in {state.Directory}");
                return ConsumerExitCodes.Refused;
            }

            var manifest = ReleaseManifest.Parse(files.Manifest);
            var now = clock.GetUtcNow();
            bool expired = now >= manifest.Expires;
            output.WriteLine($"serial   {manifest.Serial}");
            output.WriteLine($"made     {ReleaseManifest.Format(manifest.Timestamp)} ({(now - manifest.Timestamp).TotalDays:0.0} days ago)");
            output.WriteLine($"expires  {ReleaseManifest.Format(manifest.Expires)} ({(expired ? "EXPIRED" : $"in {(manifest.Expires - now).TotalDays:0.0} days")})");
            output.WriteLine($"state    {state.CurrentDirectory}");
            if (parsed.GetValue(overrides) is { } overridesFile)
            {
                var local = MapOverrides.Read(overridesFile);
                output.WriteLine($"overrides {local.Count} ({local.Source})");
                foreach (var entry in local.Entries)
                {
                    output.WriteLine($"  {entry.Domain} {entry.Policy ?? "none (left out of the map)"}");
                }
            }

            return expired ? ConsumerExitCodes.Expired : ConsumerExitCodes.Ok;
        });

        var socketmap = new Option<string>("--socketmap") { Description = "Where to listen: unix:PATH or inet:ADDRESS:PORT", Required = true };
        var mapName = new Option<string>("--name") { Description = "The map name Postfix asks for (socketmap:unix:PATH:NAME)", DefaultValueFactory = _ => "starttls-policy" };
        var maxConnections = new Option<int>("--max-connections") { Description = "Connections served at once; a new one beyond closes the one that has waited longest", DefaultValueFactory = _ => 256 };
        var idleTimeout = new Option<double>("--idle-timeout") { Description = "Seconds a connection may stay silent, and a request may take to arrive whole", DefaultValueFactory = _ => 60 };
        var socketGroup = new Option<string>("--socket-group") { Description = "The group given the Unix socket (mode 0660): the one Postfix's smtp processes run in", DefaultValueFactory = _ => "postfix" };
        var reloadInterval = new Option<double>("--reload-interval") { Description = "Seconds between looks for a newly installed release", DefaultValueFactory = _ => 10 };
        var serve = new Command("serve", """
            Answer Postfix's socketmap lookups from the installed release, the same answers as the hash map: no postmap, no
            reload of Postfix. A release installed by 'update' is verified and taken within --reload-interval; one that
            fails verification is not used; once the release has expired every lookup is NOTFOUND (no policy). Without a
            usable release the server starts all the same, answers NOTFOUND and says so, until one is installed.

            Example (Postfix: smtp_tls_policy_maps = socketmap:inet:127.0.0.1:8462:starttls-policy):
              starttls-policy serve --socketmap inet:127.0.0.1:8462 --public-key /etc/starttls-policy/release.pub
            """)
        { socketmap, mapName, keys, stateDir, earlyAdopter, noServerName, dane, dnsServer, overrides, maxConnections, idleTimeout, socketGroup, reloadInterval };
        serve.SetAction(async (parsed, stop) =>
        {
            var source = new SocketmapSource(new InstalledState(parsed.GetValue(stateDir)!), LoadKeys(parsed.GetValue(keys)!), Rendering(parsed), clock, error, Survey(parsed));
            var endpoint = SocketmapServer.Endpoint(parsed.GetValue(socketmap)!);
            await source.LoadOrStartEmptyAsync(stop).ConfigureAwait(false);
            using var listener = SocketmapListener.Open(endpoint, parsed.GetValue(socketGroup)!);
            error.WriteLine($"starttls-policy serve: serial {source.Current.Serial}, {source.Current.Count} domains with a policy, on {parsed.GetValue(socketmap)}");
            var limits = new SocketmapLimits(parsed.GetValue(maxConnections), TimeSpan.FromSeconds(parsed.GetValue(idleTimeout)));
            var server = new SocketmapServer(parsed.GetValue(mapName)!, () => source.Current, limits, clock, error);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, cancellation);
            var reloads = source.WatchAsync(TimeSpan.FromSeconds(parsed.GetValue(reloadInterval)), linked.Token);
            await server.ServeAsync(listener, linked.Token).ConfigureAwait(false);
            await reloads.ConfigureAwait(false);
            return ConsumerExitCodes.Ok;
        });

        var root = new RootCommand("starttls-policy: install signed STARTTLS policy list releases and feed them to Postfix, Exim, Sendmail, OpenSMTPD or Haraka.")
        {
            update, verify, export, status, serve,
        };
        var parsedArgs = root.Parse(args);
        if (parsedArgs.Errors.Count > 0)
        {
            foreach (var problem in parsedArgs.Errors)
            {
                error.WriteLine($"starttls-policy: {problem.Message}");
            }

            return ConsumerExitCodes.Usage;
        }

        try
        {
            return parsedArgs.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellation)
                .GetAwaiter().GetResult();
        }
        catch (ReleaseRefusedException e)
        {
            error.WriteLine($"starttls-policy: refused ({e.Code}): {e.Message}");
            return e.Kind == ReleaseFindingKinds.Expired ? ConsumerExitCodes.Expired : ConsumerExitCodes.Refused;
        }
        catch (StateException e)
        {
            error.WriteLine($"starttls-policy: refused ({e.Code}): {e.Message}");
            return ConsumerExitCodes.Refused;
        }
        catch (UnauthorizedAccessException e)
        {
            error.WriteLine($"starttls-policy: {e.Message} Run it as root (as the package's service does), or as the owner of the state directory and the map.");
            return ConsumerExitCodes.Refused;
        }
        catch (Exception e) when (e is SignatureException or MapRefusedException or ArgumentException or IOException or System.Security.Cryptography.CryptographicException)
        {
            error.WriteLine($"starttls-policy: {e.Message}");
            return e is ArgumentException or SignatureException ? ConsumerExitCodes.Usage : ConsumerExitCodes.Refused;
        }
    }

    private static PostfixMapOptions Rendering(ParseResult parsed) => new(
        parsed.GetValue<bool>("--early-adopter"),
        !parsed.GetValue<bool>("--no-servername"),
        parsed.GetValue<string?>("--override") is { } file ? MapOverrides.Read(file) : null);

    private static DaneSurvey? Survey(ParseResult parsed)
    {
        if (!parsed.GetValue<bool>("--dane"))
        {
            return parsed.GetValue<string?>("--dns-server") is null ? null : throw new ArgumentException("--dns-server is the resolver --dane asks: give --dane too");
        }

        if (parsed.GetValue<string?>("--dns-server") is not { } server)
        {
            return new DaneSurvey(null, DaneSurvey.QuestionTimeout);
        }

        if (!IPEndPoint.TryParse(server, out var endpoint))
        {
            throw new ArgumentException($"--dns-server {server}: give an IP address, or IP:PORT");
        }

        if (endpoint.Port == 0)
        {
            endpoint.Port = 53;
        }

        return new DaneSurvey(endpoint, DaneSurvey.QuestionTimeout);
    }

    private static VerifiedRelease Installed(string stateDirectory, IReadOnlyList<MinisignPublicKey> keys, TimeProvider clock)
    {
        var state = new InstalledState(stateDirectory);
        var files = state.ReadCurrent() ?? throw new ReleaseRefusedException(ReleaseFindingKinds.FetchFailed, $"no release installed in {state.Directory}; run 'starttls-policy update'");
        return ReleaseVerifier.Verify(files, keys, clock.GetUtcNow());
    }

    // The release was verified whole when it was installed. Its list's signature covers every byte of the list,
    // so the list's SHA-256 for the manifest, a second pass over the same bytes, is not worked out again.
    private static VerifiedRelease InstalledForExport(string stateDirectory, IReadOnlyList<MinisignPublicKey> keys, TimeProvider clock)
    {
        var state = new InstalledState(stateDirectory);
        var files = state.ReadCurrent() ?? throw new ReleaseRefusedException(ReleaseFindingKinds.FetchFailed, $"no release installed in {state.Directory}; run 'starttls-policy update'");
        return ReleaseVerifier.Verify(files, keys, clock.GetUtcNow(), hashList: false);
    }

    private static IReadOnlyList<ExportTarget> ExportTargets(string[] values) =>
        [.. values.Select(value =>
        {
            int at = value.IndexOf('=');
            return at > 0 && MtaFormatNames.All.TryGetValue(value[..at], out var format) && format != MtaFormat.Postfix && at < value.Length - 1
                ? new ExportTarget(format, value[(at + 1)..])
                : throw new ArgumentException($"--export {value}: give FORMAT=FILE, FORMAT one of exim, sendmail, opensmtpd, haraka (the Postfix map is --postfix-map)");
        })];

    private static IReadOnlyList<MinisignPublicKey> LoadKeys(string[] paths) =>
        paths.Length is 0 or > 2
            ? throw new ArgumentException($"--public-key: give one or two keys (current and next), not {paths.Length}")
            : [.. paths.Select(MinisignPublicKey.Load)];

    private static X509Certificate2Collection LoadRoots(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--ca-file {path}: no such file; give a PEM file of CA certificates, or leave the option out to trust the system's");
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new ArgumentException($"--ca-file {path}: not a PEM file of certificates ({e.Message})");
        }

        return roots.Count > 0 ? roots : throw new ArgumentException($"--ca-file {path}: holds no certificate");
    }
}

/// <summary>The exit codes of <c>starttls-policy</c>.</summary>
public static class ConsumerExitCodes
{
    /// <summary>The installed release is current and the map matches it.</summary>
    public const int Ok = 0;

    /// <summary>The release was refused or could not be installed; the last good state and map are kept.</summary>
    public const int Refused = 1;

    /// <summary>Bad arguments or an unreadable key.</summary>
    public const int Usage = 2;

    /// <summary>The installed release has expired and no fresh one could be installed: the map holds no policy.</summary>
    public const int Expired = 3;
}
