using System.Security.Cryptography;
using PolicyCuration.Format;
using PolicyCuration.Signing;

namespace PolicyCuration.Consumer;

/// <summary>
/// The state directory: each verified release in <c>releases/SERIAL-ID/</c>, and <c>current</c>, a symbolic link to the
/// installed one. A release is written whole under a temporary name, then renamed; the link is replaced by a rename;
/// so a reader, or an updater killed at any instant, sees the complete old release or the complete new one.
/// </summary>
public sealed class InstalledState
{
    private const string CurrentLink = "current";
    private const string ReleasesDirectory = "releases";
    private const string ReloadPendingFile = "reload-pending";

    /// <summary>A state rooted at <paramref name="directory"/>.</summary>
    public InstalledState(string directory) => Directory = Path.GetFullPath(directory);

    /// <summary>The state directory.</summary>
    public string Directory { get; }

    /// <summary>The installed release's directory, or <see langword="null"/> when none is installed.</summary>
    public string? CurrentDirectory
    {
        get
        {
            var link = new FileInfo(Path.Combine(Directory, CurrentLink));
            if (link.LinkTarget is not { } target)
            {
                return null;
            }

            string resolved = Path.GetFullPath(target, Directory);
            return System.IO.Directory.Exists(resolved) ? resolved : null;
        }
    }

    /// <summary>The installed release's four files, or <see langword="null"/> when none is installed.</summary>
    public ReleaseFiles? ReadCurrent() =>
        CurrentDirectory is { } current ? ReleaseVerifier.ReadDirectory(current, ReleaseSource.MaxListBytes) : null;

    /// <summary>Whether a map was written whose reload failed: the next run retries the reload even when nothing changed.</summary>
    public bool ReloadPending => File.Exists(Path.Combine(Directory, ReloadPendingFile));

    /// <summary>Remembers, or forgets, that the mail server has not yet reloaded the map that was written.</summary>
    public void SetReloadPending(bool pending)
    {
        string marker = Path.Combine(Directory, ReloadPendingFile);
        if (!pending)
        {
            File.Delete(marker);
            return;
        }

        SafeDirectory.Check(Directory, "the state directory");
        AtomicFile.Write(marker, "the map was written; its reload failed and is retried by the next run\n"u8.ToArray());
    }

    /// <summary>Installs <paramref name="release"/> and makes it current; removes older releases and leftovers of interrupted installs.</summary>
    public void Install(VerifiedRelease release)
    {
        SafeDirectory.Check(Directory, "the state directory");
        string releases = Path.Combine(Directory, ReleasesDirectory);
        System.IO.Directory.CreateDirectory(releases);
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        string staging = Path.Combine(releases, $".staging-{id}");
        System.IO.Directory.CreateDirectory(staging);
        Write(staging, ReleaseFiles.Names[0], release.List.Span);
        Write(staging, ReleaseFiles.Names[1], System.Text.Encoding.UTF8.GetBytes(release.ListSignature));
        Write(staging, ReleaseFiles.Names[2], release.ManifestBytes);
        Write(staging, ReleaseFiles.Names[3], System.Text.Encoding.UTF8.GetBytes(release.ManifestSignature));
        string final = Path.Combine(releases, $"{release.Manifest.Serial}-{id}");
        System.IO.Directory.Move(staging, final);

        string link = Path.Combine(Directory, $".current-{id}");
        File.CreateSymbolicLink(link, Path.Combine(ReleasesDirectory, Path.GetFileName(final)));
        PosixRename.Replace(link, Path.Combine(Directory, CurrentLink));
        RemoveAllBut(final);
    }

    private void RemoveAllBut(string keep)
    {
        foreach (string stale in System.IO.Directory.EnumerateDirectories(Path.Combine(Directory, ReleasesDirectory)))
        {
            if (!string.Equals(stale, keep, StringComparison.Ordinal))
            {
                System.IO.Directory.Delete(stale, recursive: true);
            }
        }

        foreach (string link in System.IO.Directory.EnumerateFileSystemEntries(Directory, ".current-*"))
        {
            File.Delete(link);
        }
    }

    private static void Write(string directory, string name, ReadOnlySpan<byte> content)
    {
        using var stream = new FileStream(Path.Combine(directory, name), FileMode.CreateNew, FileAccess.Write);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }
}
