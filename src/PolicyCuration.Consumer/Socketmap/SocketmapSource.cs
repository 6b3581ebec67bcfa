using System.Net;
using System.Net.Sockets;
using PolicyCuration.Consumer.Dane;
using PolicyCuration.Signing;

namespace PolicyCuration.Consumer.Socketmap;

/// <summary>The table the server answers from: the installed release, verified, taken again when <c>update</c> installs another.</summary>
/// <param name="state">The state directory <c>update</c> installs into.</param>
/// <param name="keys">The pinned keys.</param>
/// <param name="rendering">How the map is written (early adoption, SNI, overrides).</param>
/// <param name="clock">The clock expiry is judged by.</param>
/// <param name="log">Where reloads and refusals are said.</param>
/// <param name="dane">Under <c>--dane</c>, the survey that finds the domains answered <c>dane-only</c>, asked again every <see cref="DaneRefresh"/>.</param>
public sealed class SocketmapSource(InstalledState state, IReadOnlyList<MinisignPublicKey> keys, PostfixMapOptions rendering, TimeProvider clock, TextWriter log, DaneSurvey? dane = null)
{
    /// <summary>How often the DANE survey is asked again: domains deploy and withdraw TLSA records between releases.</summary>
    public static readonly TimeSpan DaneRefresh = TimeSpan.FromHours(1);

    private SocketmapTable? _current;
    private DateTimeOffset _surveyed;

    /// <summary>The table in use.</summary>
    public SocketmapTable Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("no table loaded");

    /// <summary>Loads the installed release; a release that has expired gives a table that answers nothing.</summary>
    /// <exception cref="ReleaseRefusedException">No release is installed, or it fails verification.</exception>
    /// <exception cref="MapRefusedException">The list cannot be written as a map.</exception>
    public void Load() => LoadAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Loads the installed release, as <see cref="Load"/> does, without holding a thread while DANE is surveyed.</summary>
    /// <exception cref="ReleaseRefusedException">No release is installed, or it fails verification.</exception>
    /// <exception cref="MapRefusedException">The list cannot be written as a map.</exception>
    public async Task LoadAsync(CancellationToken cancellation)
    {
        Volatile.Write(ref _current, await ReadAsync(cancellation).ConfigureAwait(false));

        // Reading the list takes several times the table's memory, once a release: a daemon gives it back to the
        // system. Without this, serve holds 200 MB answering for a 28 MB list instead of about 30 (BENCHMARKS.md).
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private async Task<SocketmapTable> ReadAsync(CancellationToken cancellation)
    {
        string? from = state.CurrentDirectory;
        var files = state.ReadCurrent() ?? throw new ReleaseRefusedException(ReleaseFindingKinds.FetchFailed, $"no release installed in {state.Directory}; run 'starttls-policy update'");

        // Verified as of the release's own making, so that an expired release is still checked whole; its table then answers nothing.
        var release = ReleaseVerifier.Verify(files, keys, ReleaseManifest.Parse(files.Manifest).Timestamp);
        if (clock.GetUtcNow() >= release.Manifest.Expires)
        {
            log.WriteLine($"starttls-policy serve: WARNING: the installed list (serial {release.Manifest.Serial}) has EXPIRED: every lookup is NOTFOUND until a fresh release is installed");
        }

        var entries = MapEntries.Resolve(release.List, rendering.EarlyAdopter);
        var answering = rendering;
        if (dane is not null)
        {
            _surveyed = clock.GetUtcNow();
            answering = await dane.ApplyAsync(entries, rendering, log, cancellation).ConfigureAwait(false);
        }

        return SocketmapTable.From(release, entries, answering, from);
    }

    /// <summary>
    /// Loads the installed release as <see cref="LoadAsync"/> does; without one that can be used, answers nothing and
    /// says so, rather than stop: Postfix defers every message while its policy server is down.
    /// </summary>
    public async Task LoadOrStartEmptyAsync(CancellationToken cancellation)
    {
        try
        {
            await LoadAsync(cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ReleaseRefusedException or MapRefusedException or SignatureException or IOException)
        {
            Volatile.Write(ref _current, SocketmapTable.Empty(state.CurrentDirectory));
            log.WriteLine($"starttls-policy serve: WARNING: NO USABLE RELEASE ({(e as ReleaseRefusedException)?.Code ?? ReleaseFindingKinds.ListInvalid.Code}): {e.Message}. Every lookup is NOTFOUND (no policy: Postfix's default applies) until 'starttls-policy update' installs a release, which is taken within the reload interval");
        }
    }

    /// <summary>Looks for a newly installed release every <paramref name="interval"/>; one that fails is said and not used.</summary>
    public async Task WatchAsync(TimeSpan interval, CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false))
            {
                bool surveyDue = dane is not null && clock.GetUtcNow() - _surveyed >= DaneRefresh;
                if (state.CurrentDirectory == Current.InstalledFrom && !surveyDue)
                {
                    continue;
                }

                try
                {
                    long before = Current.Serial;
                    await LoadAsync(cancellation).ConfigureAwait(false);
                    log.WriteLine($"starttls-policy serve: now answering from serial {Current.Serial} (was {before}), {Current.Count} domains with a policy");
                }
                catch (Exception e) when (e is ReleaseRefusedException or MapRefusedException or SignatureException or IOException)
                {
                    log.WriteLine($"starttls-policy serve: the newly installed release is not used ({(e as ReleaseRefusedException)?.Code ?? ReleaseFindingKinds.ListInvalid.Code}): {e.Message}; still answering from serial {Current.Serial}");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>The listening socket of the server.</summary>
public static class SocketmapListener
{
    /// <summary>A socket bound to <paramref name="endpoint"/> and listening; a Unix socket left by an earlier run is replaced, and the new one given to <paramref name="group"/>, mode 0660.</summary>
    public static Socket Open(EndPoint endpoint, string group = SocketGroup.Default)
    {
        var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint is UnixDomainSocketEndPoint && endpoint.ToString() is { } path && File.Exists(path))
            {
                RemoveStale(endpoint, path);
            }

            socket.Bind(endpoint);
            if (endpoint is UnixDomainSocketEndPoint && endpoint.ToString() is { } bound && !OperatingSystem.IsWindows())
            {
                // Postfix's smtp client runs as another user, in Postfix's group; no one else need ask, nor fill the slots.
                SocketGroup.Apply(bound, group);
            }

            socket.Listen(512);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // A socket left by a run that ended is replaced; one that answers belongs to a running server, and a file with
    // content is not a socket: both are refused rather than deleted.
    private static void RemoveStale(EndPoint endpoint, string path)
    {
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(endpoint);
                throw new IOException($"{path}: another server answers there");
            }
            catch (SocketException)
            {
            }
        }

        if (new FileInfo(path).Length > 0)
        {
            throw new IOException($"{path} is a file, not a socket; give another path");
        }

        File.Delete(path);
    }
}
