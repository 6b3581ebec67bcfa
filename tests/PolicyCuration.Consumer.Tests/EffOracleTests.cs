using System.Text;
using System.Text.Json;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;
using PolicyCuration.Signing;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

/// <summary>
/// EFF's last list through our release and consumer, against what EFF's starttls-policy-cli wrote for Postfix: for an
/// enforced domain "DOMAIN secure match=" and its patterns joined by ':', for a testing domain nothing in force (a
/// comment), and with early adoption testing treated as enforce. The oracle reads EFF's JSON on its own, not with our parser.
/// </summary>
public sealed class EffOracleTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExportIsEntryByEntryWhatEffsConsumerWrote(bool earlyAdopter)
    {
        using var dir = new TemporaryDirectory();
        using var key = MinisignSecretKey.Generate();
        File.WriteAllText(dir.File("release.pub"), key.PublicKey.ToText());
        var list = PolicyListReader.ReadFile(TestFiles.EffList).List!;
        var expires = Releases.Now.AddDays(14);
        var stamped = list with { Timestamp = ListTime.FromInstant(Releases.Now), Expires = ListTime.FromInstant(expires) };
        ReleaseWriter.Write(dir.File("release"), Encoding.UTF8.GetBytes(CanonicalWriter.Write(stamped)), 1, Releases.Now, expires, key);
        // EFF's consumer predates SNI in Postfix's policy table: without servername=hostname, the lines must be its own.
        string[] args = ["update", "--source", dir.File("release"), "--public-key", dir.File("release.pub"), "--state-dir", dir.File("state"), "--postfix-map", dir.File("map"), "--no-servername"];
        int code = StarttlsPolicy.Run(earlyAdopter ? [.. args, "--early-adopter"] : args, TextWriter.Null, TextWriter.Null, new FixedClock(Releases.Now));

        Assert.Equal(ConsumerExitCodes.Ok, code);
        var ours = ActiveLines(File.ReadAllLines(dir.File("map")));
        var theirs = EffConsumer(earlyAdopter);
        Assert.Equal(earlyAdopter ? 926 : 926 - CountTesting(earlyAdopter), theirs.Count);
        Assert.Equal(theirs.Keys.Order(), ours.Keys.Order());
        Assert.All(theirs, entry => Assert.Equal(entry.Value, ours[entry.Key]));
    }

    private static int CountTesting(bool earlyAdopter) => earlyAdopter ? 0 : EffPolicies().Count(p => p.Mode == "testing");

    /// <summary>What starttls-policy-cli put in force: domain to "secure match=..." (lower case, as Postfix compares).</summary>
    private static Dictionary<string, string> EffConsumer(bool earlyAdopter) =>
        EffPolicies()
            .Where(p => p.Mode == "enforce" || (earlyAdopter && p.Mode == "testing"))
            .ToDictionary(p => p.Domain, p => "secure match=" + string.Join(':', p.Mxs).ToLowerInvariant());

    private static List<(string Domain, string Mode, string[] Mxs)> EffPolicies()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(TestFiles.EffList));
        var aliases = document.RootElement.GetProperty("policy-aliases");
        var result = new List<(string, string, string[])>();
        foreach (var entry in document.RootElement.GetProperty("policies").EnumerateObject())
        {
            var policy = entry.Value.TryGetProperty("policy-alias", out var alias) ? aliases.GetProperty(alias.GetString()!) : entry.Value;
            result.Add((entry.Name.ToLowerInvariant(), policy.GetProperty("mode").GetString()!, [.. policy.GetProperty("mxs").EnumerateArray().Select(m => m.GetString()!)]));
        }

        return result;
    }

    private static Dictionary<string, string> ActiveLines(string[] map) =>
        map.Where(line => !line.StartsWith('#') && line.Length > 0)
            .Select(line => line.Split('\t', 2))
            .ToDictionary(parts => parts[0], parts => parts[1]);
}
