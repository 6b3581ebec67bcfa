using System.Diagnostics;
using PolicyCuration.Format.Model;
using PolicyCuration.Signing;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

/// <summary>The updater killed with SIGKILL at random instants while it installs: state and map are always a complete release.</summary>
public sealed class KillTests
{
    private const int Kills = 50;

    [Fact]
    public void AKilledUpdateLeavesTheCompleteOldOrTheCompleteNewRelease()
    {
        using var dir = new TemporaryDirectory();
        using var key = MinisignSecretKey.Generate();
        File.WriteAllText(dir.File("release.pub"), key.PublicKey.ToText());
        var made = DateTimeOffset.UtcNow.AddMinutes(-1);

        // A list large enough that installing it takes a while: more instants to be killed in.
        var entries = Enumerable.Range(0, 20_000).Select(i => ($"domain{i:00000}.example", i % 3 == 0 ? PolicyMode.Testing : PolicyMode.Enforce, new[] { $"mx.domain{i:00000}.example", ".mail.example" })).ToArray();
        var list = Releases.PolicyList(entries);
        var expectedMaps = new Dictionary<long, byte[]>();
        for (long serial = 1; serial <= Kills + 1; serial++)
        {
            Releases.Write(dir.File($"r{serial}"), key, serial, list, made);
            var release = ReleaseVerifier.Verify(ReleaseVerifier.ReadDirectory(dir.File($"r{serial}"), ReleaseSource.MaxListBytes), [key.PublicKey], DateTimeOffset.UtcNow);
            expectedMaps[serial] = Updater.RenderMap(release, PostfixMap.Render(release.List, new PostfixMapOptions()), new MapOptions(null, new PostfixMapOptions(), false, null));
        }

        var state = new InstalledState(dir.File("state"));
        Assert.Equal(0, Run(dir, 1, killAfter: null));
        var full = Stopwatch.StartNew();
        Assert.Equal(0, Run(dir, 2, killAfter: null));
        var duration = full.Elapsed;

        var random = new Random(20261128);
        int killedMidRun = 0;
        long installed = 2;
        for (int kill = 0; kill < Kills; kill++)
        {
            // State and map are each replaced whole, the map after the state: a kill between the two leaves a map one
            // release behind, which the next run brings up to date.
            byte[] mapBefore = File.ReadAllBytes(dir.File("map"));
            var delay = TimeSpan.FromMilliseconds(random.NextDouble() * duration.TotalMilliseconds * 1.1);
            if (Run(dir, installed + 1, delay) == -1)
            {
                killedMidRun++;
            }

            var files = state.ReadCurrent() ?? throw new InvalidOperationException("no current release after a kill");
            var release = ReleaseVerifier.Verify(files, [key.PublicKey], DateTimeOffset.UtcNow);
            Assert.InRange(release.Manifest.Serial, installed, installed + 1);
            byte[] map = File.ReadAllBytes(dir.File("map"));
            Assert.True(
                map.AsSpan().SequenceEqual(mapBefore) || map.AsSpan().SequenceEqual(expectedMaps[installed + 1]),
                $"kill {kill} after {delay.TotalMilliseconds:0} ms: the map is neither the one before the run nor release {installed + 1}");
            Assert.Contains(expectedMaps.Values, expected => map.AsSpan().SequenceEqual(expected));
            installed = release.Manifest.Serial;
        }

        // A last, uninterrupted run brings a lagging map up to the installed release.
        Assert.Equal(0, Run(dir, installed, killAfter: null));
        Assert.Equal(expectedMaps[installed], File.ReadAllBytes(dir.File("map")));
        Assert.True(killedMidRun >= Kills / 3, $"only {killedMidRun} of {Kills} kills landed while the updater ran (a full run takes {duration.TotalMilliseconds:0} ms)");
    }

    /// <summary>Runs the updater towards release <paramref name="serial"/>; with a delay, SIGKILLs it then. -1 when it was killed while running.</summary>
    private static int Run(TemporaryDirectory dir, long serial, TimeSpan? killAfter)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "starttls-policy.dll"), "update", "--source", dir.File($"r{serial}"),
            "--public-key", dir.File("release.pub"), "--state-dir", dir.File("state"), "--postfix-map", dir.File("map"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (killAfter is { } delay && !process.WaitForExit(delay))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return -1;
        }

        process.WaitForExit();
        return process.ExitCode;
    }
}
