using System.Text;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Bench;

/// <summary>Valid lists of any size in the shape of EFF's: about 10% of domains on aliases, 1–3 MX names, some suffix patterns.</summary>
internal static class SyntheticList
{
    private static readonly string[] Tlds = ["com", "org", "net", "de", "fr", "nl", "io", "co.uk", "com.au", "ch"];

    /// <summary>Writes a canonical list of <paramref name="domains"/> domains to <paramref name="path"/>; the same seed gives the same bytes.</summary>
    public static int WriteTo(string path, int domains, int seed)
    {
        File.WriteAllText(path, CanonicalWriter.Write(Create(domains, seed)), new UTF8Encoding(false));
        Console.WriteLine($"{path}: {domains} domains, {new FileInfo(path).Length} bytes");
        return 0;
    }

    /// <summary>The list itself.</summary>
    public static PolicyList Create(int domains, int seed)
    {
        var random = new Random(seed);
        int aliasCount = Math.Clamp(domains / 1000, 4, 200);
        var aliases = Enumerable.Range(0, aliasCount)
            .Select(i => new NamedPolicy($"provider{i}", Policy.Direct(PolicyMode.Testing, [$"mx1.provider{i}.net", $"mx2.provider{i}.net", $".mail.provider{i}.net"])))
            .ToList();
        var policies = new List<NamedPolicy>(domains);
        for (int i = 0; i < domains; i++)
        {
            string domain = $"{Label(random)}{i}.{Tlds[random.Next(Tlds.Length)]}";
            Policy policy;
            if (random.Next(10) == 0)
            {
                policy = Policy.UsingAlias(aliases[random.Next(aliasCount)].Name);
            }
            else
            {
                int mxCount = random.Next(1, 4);
                var mxs = Enumerable.Range(1, mxCount).Select(n => random.Next(5) == 0 ? $".mx{n}.{domain}" : $"mx{n}.{domain}");
                policy = Policy.Direct(random.Next(3) == 0 ? PolicyMode.Enforce : PolicyMode.Testing, mxs);
            }

            policies.Add(new NamedPolicy(domain, policy));
        }

        var now = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);
        return new PolicyList
        {
            Timestamp = ListTime.FromInstant(now),
            Expires = ListTime.FromInstant(now.AddDays(14)),
            Version = PolicyList.FormatVersion,
            Author = "synthetic benchmark list",
            Aliases = aliases,
            Policies = policies,
        };
    }

    private static string Label(Random random)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyz";
        return string.Create(random.Next(4, 12), random, (span, r) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = Letters[r.Next(Letters.Length)];
            }
        });
    }
}
