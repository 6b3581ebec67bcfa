using System.CommandLine;
using System.Globalization;
using System.Text;
using PolicyCuration.Validation;
using PolicyCuration.Validation.Rendering;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;
using PolicyCuration.Git;
using PolicyCuration.Signing;

namespace PolicyCuration.Cli.Commands;

/// <summary><c>policyctl keygen</c>, <c>release</c>, <c>publish</c>, <c>verify</c> and <c>sign</c>: signed, versioned snapshots of the list and of the assets beside it.</summary>
internal static class SigningCommands
{
    public static Command Keygen()
    {
        var secret = new Option<string>("--secret-key") { Description = "Where to write the secret key (mode 0600)", Required = true };
        var @public = new Option<string>("--public-key") { Description = "Where to write the public key", Required = true };
        var password = new Option<string?>("--password-env") { Description = "Encrypt the secret key with the password in this environment variable (scrypt, as minisign does)" };
        var command = new Command("keygen", """
            Create an Ed25519 key pair in minisign's formats. Never overwrites a file. Without --password-env the secret
            key is unencrypted, as 'minisign -G -W' writes it: keep it in a protected CI secret, not on disk.

            Example:
              policyctl keygen --secret-key release.key --public-key release.pub
            """)
        { secret, @public, password };
        command.SetAction(parsed =>
        {
            string secretPath = parsed.GetValue(secret)!, publicPath = parsed.GetValue(@public)!;
            try
            {
                foreach (string path in new[] { secretPath, publicPath }.Where(File.Exists))
                {
                    throw new IOException($"{path} exists; keygen never overwrites a key");
                }

                using var key = MinisignSecretKey.Generate();
                string? pass = parsed.GetValue(password) is { } variable ? Environment.GetEnvironmentVariable(variable) ?? throw new ArgumentException($"--password-env {variable}: the variable is not set") : null;
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var writer = new StreamWriter(secretPath, Encoding.ASCII, options))
                {
                    writer.Write(key.ToText(pass));
                }

                File.WriteAllText(publicPath, key.PublicKey.ToText());
                parsed.InvocationConfiguration.Output.WriteLine($"key {key.Id}: secret key {secretPath} (mode 0600{(pass is null ? ", unencrypted" : ", encrypted")}), public key {publicPath}");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                parsed.InvocationConfiguration.Error.WriteLine($"policyctl keygen: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    public static Command Release()
    {
        var list = new Option<string>("--list") { Description = $"The list to release (default: {CommonOptions.DefaultList})", DefaultValueFactory = _ => CommonOptions.DefaultList };
        var secret = new Option<string?>("--secret-key") { Description = "The secret key file" };
        var secretEnv = new Option<string?>("--secret-key-env") { Description = "An environment variable holding the secret key file's text" };
        var password = new Option<string?>("--password-env") { Description = "An environment variable holding the secret key's password, when it is encrypted" };
        var @out = new Option<string>("--out") { Description = "The directory to write the release into (must not hold one)", Required = true };
        var expiresIn = new Option<string>("--expires-in") { Description = "How long the release holds: 14d, 36h, 2w (at most 31d)", DefaultValueFactory = _ => "14d" };
        var serial = new Option<long?>("--serial") { Description = "The serial (default: the last list-v<serial> tag + 1)" };
        var git = new Option<string>("--git") { Description = "A directory inside the git repository (default: the current one)", DefaultValueFactory = _ => "." };
        var noTag = new Option<bool>("--no-tag") { Description = "Do not create the list-v<serial> tag" };
        var now = CommonOptions.Now();
        var publish = new ReleasePublishOptions();
        var command = new Command("release", """
            Release the list: validate it (refusing errors), stamp 'timestamp' now and 'expires', write it canonical with
            manifest.json and a minisign signature of each, and tag the commit list-v<serial>. With --publish, upload the
            four files as a GitHub release.

            Examples:
              policyctl release --secret-key release.key --out out/release
              policyctl release --secret-key-env RELEASE_KEY --out out/release --expires-in 14d --publish --repo owner/list
            """)
        { list, secret, secretEnv, password, @out, expiresIn, serial, git, noTag, now };
        publish.AddTo(command);
        command.SetAction(async (parsed, cancellation) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            try
            {
                string listPath = parsed.GetValue(list)!, gitDirectory = parsed.GetValue(git)!;
                var clock = CommonOptions.ParseNow(parsed.GetValue(now));
                var validity = ParseDuration(parsed.GetValue(expiresIn)!);
                using var key = LoadSecretKey(parsed.GetValue(secret), parsed.GetValue(secretEnv), parsed.GetValue(password));
                var read = PolicyListReader.ReadFile(listPath);
                var report = new ListValidator(CommonOptions.LoadSchema(null)).Validate(read, clock);
                if (!report.IsValid || report.List is null)
                {
                    FindingRenderer.Write(error, report.Findings, FindingFormat.Text, FindingRenderer.Total(report.Findings, listPath));
                    error.WriteLine("policyctl release: the list has errors; nothing was released");
                    return ExitCodes.Findings;
                }

                bool tag = !parsed.GetValue(noTag);
                if (tag && !ReleaseTags.HeadHolds(gitDirectory, listPath, read.Source!.Bytes.ToArray()))
                {
                    throw new ArgumentException($"{listPath} differs from HEAD's: commit it first, so that the tag names what was released (or give --no-tag)");
                }

                long number = parsed.GetValue(serial) ?? ReleaseTags.LastSerial(gitDirectory) + 1;
                var stamped = report.List with { Timestamp = ListTime.FromInstant(clock), Expires = ListTime.FromInstant(clock + validity) };
                byte[] bytes = Encoding.UTF8.GetBytes(CanonicalWriter.Write(stamped));
                string directory = parsed.GetValue(@out)!;
                var manifest = ReleaseWriter.Write(directory, bytes, number, clock, clock + validity, key);
                output.WriteLine($"release {number}: {report.List.Policies.Count} domains, expires {ReleaseManifest.Format(manifest.Expires)}, signed by key {key.Id}, in {directory}");
                if (tag)
                {
                    output.WriteLine($"tagged {ReleaseTags.Create(gitDirectory, number, $"policy list release {number}, expires {ReleaseManifest.Format(manifest.Expires)}")}");
                }

                if (publish.Requested(parsed))
                {
                    output.WriteLine(await publish.PublishAsync(parsed, directory, manifest, cancellation).ConfigureAwait(false));
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or SignatureException or RevisionException or SchemaLoadException or LibGit2Sharp.LibGit2SharpException or Octokit.ApiException or HttpRequestException)
            {
                error.WriteLine($"policyctl release: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    public static Command Sign()
    {
        var files = new Argument<string[]>("FILE") { Description = "The files to sign", Arity = ArgumentArity.OneOrMore };
        var secret = new Option<string?>("--secret-key") { Description = "The secret key file" };
        var secretEnv = new Option<string?>("--secret-key-env") { Description = "An environment variable holding the secret key file's text" };
        var password = new Option<string?>("--password-env") { Description = "An environment variable holding the secret key's password, when it is encrypted" };
        var now = CommonOptions.Now();
        var command = new Command("sign", """
            Sign files with the release key, as 'minisign -S' does: FILE.minisig beside each, its trusted comment naming
            the time and the file, so that 'minisign -Vm FILE -p release.pub' verifies it. For the assets a release
            carries besides the list (the consumer's packages and their SHA256SUMS).

            Example:
              policyctl sign --secret-key-env RELEASE_KEY out/consumer/SHA256SUMS out/consumer/starttls-policy_amd64.deb
            """)
        { files, secret, secretEnv, password, now };
        command.SetAction(parsed =>
        {
            try
            {
                using var key = LoadSecretKey(parsed.GetValue(secret), parsed.GetValue(secretEnv), parsed.GetValue(password));
                long timestamp = CommonOptions.ParseNow(parsed.GetValue(now)).ToUnixTimeSeconds();
                foreach (string file in parsed.GetValue(files)!)
                {
                    string name = Path.GetFileName(file);
                    if (name.Any(char.IsControl))
                    {
                        throw new ArgumentException($"{file}: a file name with a control character cannot go in a trusted comment");
                    }

                    var signature = MinisignSignature.Sign(
                        key, File.ReadAllBytes(file), $"timestamp:{timestamp.ToString(CultureInfo.InvariantCulture)}\tfile:{name}\thashed", $"signature of {name} by key {key.Id}");
                    AtomicFile.Write(file + ".minisig", Encoding.UTF8.GetBytes(signature.ToText()));
                    parsed.InvocationConfiguration.Output.WriteLine($"signed {file} with key {key.Id}: {file}.minisig");
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or SignatureException)
            {
                parsed.InvocationConfiguration.Error.WriteLine($"policyctl sign: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    public static Command Publish()
    {
        var directory = new Argument<string>("DIR") { Description = "A release directory written by 'policyctl release'" };
        var publish = new ReleasePublishOptions();
        var command = new Command("publish", """
            Upload a release directory as the GitHub release of its tag list-v<serial> (token from GITHUB_TOKEN), for
            workflows that push the tag between 'release' and 'publish'.

            Example:
              policyctl publish out/release --repo owner/list
            """)
        { directory };
        publish.AddTo(command, withSwitch: false);
        command.SetAction(async (parsed, cancellation) =>
        {
            try
            {
                string dir = parsed.GetValue(directory)!;
                var manifest = ReleaseManifest.Parse(File.ReadAllBytes(Path.Combine(dir, ReleaseManifest.FileName)));
                parsed.InvocationConfiguration.Output.WriteLine(await publish.PublishAsync(parsed, dir, manifest, cancellation).ConfigureAwait(false));
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is IOException or ArgumentException or SignatureException or Octokit.ApiException or HttpRequestException)
            {
                parsed.InvocationConfiguration.Error.WriteLine($"policyctl publish: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    public static Command Verify()
    {
        var directory = new Argument<string>("DIR") { Description = "A release directory" };
        var keys = new Option<string[]>("--public-key") { Description = "A trusted public key (one or two)", Required = true };
        var now = CommonOptions.Now();
        var command = new Command("verify", """
            Verify a release directory: both signatures against the keys, the trusted comments, the manifest's sizes and
            hashes, the list's expiry. Exit 0 when it verifies, 1 when it does not, 2 for usage.

            Example:
              policyctl verify out/release --public-key release.pub
            """)
        { directory, keys, now };
        command.SetAction(parsed =>
        {
            try
            {
                var trusted = parsed.GetValue(keys)!.Select(MinisignPublicKey.Load).ToList();
                var files = ReleaseVerifier.ReadDirectory(parsed.GetValue(directory)!, 256L * 1024 * 1024);
                var release = ReleaseVerifier.Verify(files, trusted, CommonOptions.ParseNow(parsed.GetValue(now)));
                parsed.InvocationConfiguration.Output.WriteLine(
                    $"release {release.Manifest.Serial} verified: signed by key {release.Key.Id}, made {ReleaseManifest.Format(release.Manifest.Timestamp)}, expires {ReleaseManifest.Format(release.Manifest.Expires)}");
                return ExitCodes.Ok;
            }
            catch (ReleaseRefusedException e)
            {
                parsed.InvocationConfiguration.Error.WriteLine($"policyctl verify: {e.Code}: {e.Message}");
                return ExitCodes.Findings;
            }
            catch (Exception e) when (e is SignatureException or IOException or ArgumentException)
            {
                parsed.InvocationConfiguration.Error.WriteLine($"policyctl verify: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    /// <summary>Parses 14d, 36h, 2w; refuses more than 31 days, which validate would warn about.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long count) && count > 0)
        {
            var span = text[^1] switch
            {
                'h' => TimeSpan.FromHours(count),
                'd' => TimeSpan.FromDays(count),
                'w' => TimeSpan.FromDays(7 * count),
                _ => TimeSpan.Zero,
            };
            if (span > TimeSpan.Zero && span <= TimeSpan.FromDays(31))
            {
                return span;
            }
        }

        throw new ArgumentException($"--expires-in {text}: give hours, days or weeks (36h, 14d, 2w), at most 31 days");
    }

    private static MinisignSecretKey LoadSecretKey(string? path, string? variable, string? passwordVariable)
    {
        string? password = passwordVariable is null ? null
            : Environment.GetEnvironmentVariable(passwordVariable) ?? throw new ArgumentException($"--password-env {passwordVariable}: the variable is not set");
        return (path, variable) switch
        {
            ({ } file, null) => MinisignSecretKey.Load(file, password),
            (null, { } name) => MinisignSecretKey.Parse(
                Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? text : throw new ArgumentException($"--secret-key-env {name}: the variable is not set"),
                password,
                $"secret key from ${name}"),
            _ => throw new ArgumentException("give exactly one of --secret-key FILE and --secret-key-env VAR"),
        };
    }
}
