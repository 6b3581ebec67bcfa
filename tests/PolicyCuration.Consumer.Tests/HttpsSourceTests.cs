using System.Diagnostics;
using PolicyCuration.Format.Model;
using PolicyCuration.Signing;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

/// <summary>Updates over HTTPS from the nginx fixture (test CA): a good release, and each bad download refused with the last good kept.</summary>
[Trait("Needs", "fixtures")]
public sealed class HttpsSourceTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();
    private readonly MinisignSecretKey key = MinisignSecretKey.Generate();
    private readonly string site = "t" + Guid.NewGuid().ToString("N")[..10];
    private readonly FixedClock clock = new(Releases.Now.AddHours(1));

    public HttpsSourceTests() => File.WriteAllText(dir.File("release.pub"), key.PublicKey.ToText());

    public void Dispose()
    {
        key.Dispose();
        dir.Dispose();
        foreach (string served in new[] { Served(string.Empty), Path.Combine(ProbeFixtures.ReleasesDirectory, "slow", site) })
        {
            if (Directory.Exists(served))
            {
                Directory.Delete(served, recursive: true);
            }
        }
    }

    public static TheoryData<string, string> BadDownloads { get; } = new()
    {
        { "tampered", "release.signature.invalid" },
        { "1 GB list", "release.fetch.failed" },
        { "slow", "release.fetch.failed" },
        { "404", "release.fetch.failed" },
        { "older serial", "release.rollback" },
    };

    [Fact]
    public void AGoodReleaseIsFetchedOverHttps()
    {
        Releases.Write(Served("good"), key, 2, Releases.SmallList());

        var (code, error) = Update($"{ProbeFixtures.ReleasesUrl}/{site}/good/");

        Assert.True(code == ConsumerExitCodes.Ok, error);
        Assert.Contains("installed serial 2", error);
        Assert.Contains("enforced.example\tsecure match=", File.ReadAllText(dir.File("map")));
    }

    [Theory]
    [MemberData(nameof(BadDownloads))]
    public void ABadDownloadIsRefusedAndTheLastGoodKept(string what, string code)
    {
        Releases.Write(Served("good"), key, 2, Releases.SmallList());
        var good = Update($"{ProbeFixtures.ReleasesUrl}/{site}/good/");
        Assert.True(good.Code == ConsumerExitCodes.Ok, good.Error);
        byte[] map = File.ReadAllBytes(dir.File("map"));
        string url = Bad(what);
        var clockWatch = Stopwatch.StartNew();

        var (exit, error) = Update(url);

        Assert.Equal(ConsumerExitCodes.Refused, exit);
        Assert.Contains($"refused ({code})", error);
        Assert.Equal(map, File.ReadAllBytes(dir.File("map")));
        Assert.True(clockWatch.Elapsed < TimeSpan.FromSeconds(30), $"{what}: took {clockWatch.Elapsed}");
    }

    private string Bad(string what)
    {
        switch (what)
        {
            case "tampered":
                string tampered = Releases.Write(Served("tampered"), key, 3, Releases.SmallList());
                File.AppendAllText(Path.Combine(tampered, "policy.json"), " ");
                return $"{ProbeFixtures.ReleasesUrl}/{site}/tampered/";
            case "1 GB list":
                string large = Releases.Write(Served("large"), key, 3, Releases.SmallList());
                using (var file = File.OpenWrite(Path.Combine(large, "policy.json")))
                {
                    file.SetLength(1L << 30);
                }

                return $"{ProbeFixtures.ReleasesUrl}/{site}/large/";
            case "slow":
                // 2 KiB/s for a list of a few hundred KiB: far beyond the 10 s allowed.
                var many = Enumerable.Range(0, 3000).Select(i => ($"domain{i}.example", PolicyMode.Enforce, new[] { $"mx.domain{i}.example" })).ToArray();
                Releases.Write(Path.Combine(ProbeFixtures.ReleasesDirectory, "slow", site), key, 3, Releases.PolicyList(many));
                return $"{ProbeFixtures.ReleasesUrl}/slow/{site}/";
            case "404":
                return $"{ProbeFixtures.ReleasesUrl}/{site}/nothing-here/";
            default:
                Releases.Write(Served("older"), key, 1, Releases.SmallList());
                return $"{ProbeFixtures.ReleasesUrl}/{site}/older/";
        }
    }

    private string Served(string name) => Path.Combine(ProbeFixtures.ReleasesDirectory, site, name);

    /// <summary>Runs an update; returns its exit code and all it said, progress (standard output) and problems (standard error).</summary>
    private (int Code, string Error) Update(string url)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = StarttlsPolicy.Run(
            ["update", "--source", url, "--public-key", dir.File("release.pub"), "--state-dir", dir.File("state"), "--postfix-map", dir.File("map"),
             "--ca-file", ProbeFixtures.CaFile, "--timeout", "10"],
            output,
            error,
            clock);
        return (code, output.ToString() + error.ToString());
    }
}
