using System.Security.Cryptography;
using System.Text;
using PolicyCuration.Consumer.Dane;
using PolicyCuration.Consumer.Exports;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;
using PolicyCuration.Signing;

namespace PolicyCuration.Consumer;

/// <summary>What an update should do besides installing: where the map goes, how it is written, and what to run after.</summary>
/// <param name="MapFile">The Postfix map to write, or <see langword="null"/> for none.</param>
/// <param name="Rendering">How the map is written: early adoption, SNI, overrides.</param>
/// <param name="RunPostmap">Run <c>postmap</c> on the map (atomically: on a temporary copy, then renamed).</param>
/// <param name="ReloadCommand">A command run by <c>/bin/sh</c> after the map changed, such as <c>postfix reload</c>.</param>
/// <param name="PostmapPath">The <c>postmap</c> to run; null to find it (<c>postconf -h command_directory</c>, then the usual places).</param>
/// <param name="Exports">Files for other mail servers, written beside the map from the same entries and overrides.</param>
/// <param name="Dane">Under <c>--dane</c>, the survey that finds the domains the Postfix map writes <c>dane-only</c>.</param>
public sealed record MapOptions(string? MapFile, PostfixMapOptions Rendering, bool RunPostmap, string? ReloadCommand, string? PostmapPath = null, IReadOnlyList<ExportTarget>? Exports = null, DaneSurvey? Dane = null);

/// <summary>An export an update writes: its format and its file.</summary>
public sealed record ExportTarget(MtaFormat Format, string File);

/// <summary>How an update ended.</summary>
public enum UpdateOutcome
{
    /// <summary>A newer release was installed, or the installed one was current; the map matches it.</summary>
    Current,

    /// <summary>The fetched release was refused or could not be installed; the last good state and map are kept.</summary>
    Refused,

    /// <summary>Nothing usable: the installed release has expired and no fresh one could be installed; the map holds no policy.</summary>
    Expired,
}

/// <summary>One run of <c>starttls-policy update</c>: fetch, verify, refuse rollback and expiry, install, write the map.</summary>
public sealed class Updater(InstalledState state, IReadOnlyList<MinisignPublicKey> keys, TimeProvider clock)
{
    /// <summary>Runs the update; every line it has to say goes to <paramref name="report"/>.</summary>
    public async Task<UpdateOutcome> RunAsync(ReleaseSource source, MapOptions map, TextWriter report, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        if (!Directory.Exists(state.Directory))
        {
            // Said, not refused: a first install starts here. A mistyped --state-dir would start rollback protection over.
            report.WriteLine(
                $"starttls-policy: note: the state directory {state.Directory} does not exist yet, so this is taken as a first install; " +
                "if it is not, check --state-dir: a new directory has no record of the serial installed before, and rollback protection starts over");
        }

        // Read once: verified here, and its manifest named by the expiry fallback.
        var installedFiles = state.ReadCurrent();
        var (installed, installedProblem) = Verify(installedFiles, now);
        if (installedProblem is not null)
        {
            report.WriteLine($"starttls-policy: the installed release is unusable ({installedProblem.Code}): {installedProblem.Message}");
        }

        bool installedNow = false;
        try
        {
            var fetched = await source.FetchAsync(cancellation).ConfigureAwait(false);
            var release = ReleaseVerifier.Verify(fetched, keys, now);
            if (installed is { } current && release.Manifest.Serial < current.Manifest.Serial)
            {
                throw new ReleaseRefusedException(
                    ReleaseFindingKinds.Rollback, $"the source offers serial {release.Manifest.Serial}, older than the installed {current.Manifest.Serial}");
            }

            var entries = MapEntries.Resolve(release.List, map.Rendering.EarlyAdopter);
            if (map.Dane is { } dane && map.MapFile is not null)
            {
                map = map with { Rendering = await dane.ApplyAsync(entries, map.Rendering, report, cancellation).ConfigureAwait(false) };
            }

            var lines = PostfixMap.Render(entries, map.Rendering);

            byte[] mapText = RenderMap(release, lines, map);
            var header = ReleaseHeader(release, entries.Expires);
            var exports = (map.Exports ?? []).Select(e => (e.File, MtaExport.Render(e.Format, entries, map.Rendering.Overrides, header))).ToList();
            if (installed is null || release.Manifest.Serial > installed.Manifest.Serial)
            {
                state.Install(release);
                installedNow = true;
                report.WriteLine($"installed serial {release.Manifest.Serial} (expires {ReleaseManifest.Format(release.Manifest.Expires)}), signed by key {release.Key.Id}");
            }
            else
            {
                report.WriteLine($"serial {release.Manifest.Serial} is already installed");
            }

            bool changed = WriteMaps(map, mapText, exports, report);
            return Reload(map, changed, report) ? UpdateOutcome.Current : UpdateOutcome.Refused;
        }
        catch (Exception e) when (e is ReleaseRefusedException or MapRefusedException or IOException or UnauthorizedAccessException)
        {
            string hint = e is UnauthorizedAccessException ? " (run it as root, as the package's service does, or as the owner of the state directory and the map)" : string.Empty;
            string code = e switch
            {
                ReleaseRefusedException refused => refused.Code,
                MapRefusedException => ReleaseFindingKinds.ListInvalid.Code,
                StateException state => state.Code,
                _ => StateFindingKinds.WriteFailed.Code,
            };
            if (installedNow)
            {
                // The release is good and installed; only its map is missing, and the next run writes it.
                report.WriteLine($"starttls-policy: refused ({code}): {e.Message}{hint}; the new release is installed, the last map is kept until a run can write it");
                return UpdateOutcome.Refused;
            }

            if (installedProblem?.Kind == ReleaseFindingKinds.Expired)
            {
                report.WriteLine($"starttls-policy: refused ({code}): {e.Message}{hint}; the installed list has expired, so the map is emptied (below)");
                return Expire(installedFiles!, map, report);
            }

            report.WriteLine($"starttls-policy: refused ({code}): {e.Message}{hint}; the last good list and map are kept");
            Reload(map, changed: false, report);
            return UpdateOutcome.Refused;
        }
    }

    /// <summary>The installed release when it verifies and has not expired; else why not (no release installed: both null).</summary>
    private (VerifiedRelease? Release, ReleaseRefusedException? Problem) Verify(ReleaseFiles? files, DateTimeOffset now)
    {
        try
        {
            return files is not null ? (ReleaseVerifier.Verify(files, keys, now), null) : (null, null);
        }
        catch (ReleaseRefusedException e)
        {
            return (null, e);
        }
    }

    /// <summary>The map of a verified release: its header, then the lines rendered from its list.</summary>
    public static byte[] RenderMap(VerifiedRelease release, PostfixMapLines lines, MapOptions map) =>
        lines.ToArray(MapHeader(release, lines, map.Rendering));

    /// <summary>The header of the map of a verified release, once its list's expiry is checked against the manifest's.</summary>
    public static byte[] MapHeader(VerifiedRelease release, PostfixMapLines lines, PostfixMapOptions rendering) =>
        PostfixMap.Header(ReleaseHeader(release, lines.Expires), rendering);

    /// <summary>The lines that head every file written from a verified release, once its list's expiry is checked against the manifest's.</summary>
    public static IReadOnlyList<string> ReleaseHeader(VerifiedRelease release, ListTime? listExpires)
    {
        if (listExpires?.Value is not { } expires || Math.Abs((expires - release.Manifest.Expires).TotalSeconds) >= 1)
        {
            throw new ReleaseRefusedException(ReleaseFindingKinds.ListInvalid, "the list's expires differs from the manifest's");
        }

        return
        [
            $"starttls-policy: serial {release.Manifest.Serial}, made {ReleaseManifest.Format(release.Manifest.Timestamp)}, expires {ReleaseManifest.Format(release.Manifest.Expires)}",
            $"signed by key {release.Key.Id}; do not edit: rewritten by every update",
        ];
    }

    private UpdateOutcome Expire(ReleaseFiles installed, MapOptions map, TextWriter report)
    {
        var manifest = TryManifest(installed);
        report.WriteLine("starttls-policy: WARNING: THE INSTALLED POLICY LIST HAS EXPIRED AND NO FRESH RELEASE COULD BE INSTALLED.");
        report.WriteLine("starttls-policy: WARNING: the map now holds no policy; mail to listed domains is no longer protected from STARTTLS downgrade.");
        long serial = manifest?.Serial ?? 0;
        var expires = manifest?.Expires ?? DateTimeOffset.MinValue;
        var exports = (map.Exports ?? []).Select(e => (e.File, MtaExport.Expired(e.Format, serial, expires))).ToList();
        bool changed = WriteMaps(map, Encoding.UTF8.GetBytes(PostfixMap.Expired(serial, expires)), exports, report);
        Reload(map, changed, report);
        return UpdateOutcome.Expired;
    }

    /// <summary>
    /// Runs the reload command when a file changed, or when an earlier run's reload failed; a failure is remembered in the
    /// state directory and retried by the next run, since the mail server still uses the map it last loaded.
    /// </summary>
    private bool Reload(MapOptions map, bool changed, TextWriter report)
    {
        if (map.ReloadCommand is not { } reload || !(changed || state.ReloadPending))
        {
            return true;
        }

        try
        {
            ChildProcess.Run("/bin/sh", ["-c", reload], $"--reload {reload}", ChildProcess.Limit);
        }
        catch (StateException e)
        {
            state.SetReloadPending(true);
            report.WriteLine(
                $"starttls-policy: the map is written, but the reload failed ({StateFindingKinds.ReloadFailed.Code}): {e.Message}; the mail server still uses the map it " +
                "loaded before, and the next run retries the reload (give the command by absolute path: cron's PATH is /usr/bin:/bin)");
            return false;
        }

        state.SetReloadPending(false);
        report.WriteLine($"reloaded: {reload}");
        return true;
    }

    private static ReleaseManifest? TryManifest(ReleaseFiles files)
    {
        try
        {
            return ReleaseManifest.Parse(files.Manifest);
        }
        catch (SignatureException)
        {
            return null;
        }
    }

    // Every file is written before the one reload that follows; returns whether any changed.
    private static bool WriteMaps(MapOptions map, byte[] content, IReadOnlyList<(string File, byte[] Content)> exports, TextWriter report)
    {
        bool changed = WriteMap(map, content, report);
        foreach (var (file, text) in exports)
        {
            string full = Path.GetFullPath(file);
            SafeDirectory.Check(Path.GetDirectoryName(full)!, "the export's directory");
            if (!File.Exists(full) || !File.ReadAllBytes(full).AsSpan().SequenceEqual(text))
            {
                AtomicFile.Write(full, text);
                report.WriteLine($"wrote {file}");
                changed = true;
            }
        }

        return changed;
    }

    private static bool WriteMap(MapOptions map, byte[] content, TextWriter report)
    {
        if (map.MapFile is null)
        {
            return false;
        }

        string full = Path.GetFullPath(map.MapFile);
        SafeDirectory.Check(Path.GetDirectoryName(full)!, "the map's directory");
        if (File.Exists(full) && File.ReadAllBytes(full).AsSpan().SequenceEqual(content) && (!map.RunPostmap || File.Exists(full + ".db") || File.Exists(full + ".lmdb")))
        {
            return false;
        }

        if (map.RunPostmap)
        {
            Postmap(full, content, PostfixTools.Postmap(map.PostmapPath));
        }
        else
        {
            AtomicFile.Write(full, content);
        }

        report.WriteLine($"wrote {map.MapFile}{(map.RunPostmap ? " and its postmap database" : string.Empty)}");
        return true;
    }

    // postmap rewrites its database in place; building it for a temporary copy and renaming both keeps each atomic.
    // The copy's name is random and created exclusively: in a directory others could write, a guessable name is a trap.
    private static void Postmap(string full, byte[] content, string postmap)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.new");
        string[] databases = [".db", ".lmdb", ".cdb"];
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            ChildProcess.Run(postmap, [temporary], "postmap", ChildProcess.Limit);
            foreach (string suffix in databases.Where(s => File.Exists(temporary + s)))
            {
                File.Move(temporary + suffix, full + suffix, overwrite: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            foreach (string leftover in databases.Select(s => temporary + s).Prepend(temporary))
            {
                File.Delete(leftover);
            }
        }
    }
}
