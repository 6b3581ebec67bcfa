using System.Text;
using PolicyCuration.Format;
using PolicyCuration.Format.Model;
using PolicyCuration.Signing;

namespace PolicyCuration.Consumer.Tests;

/// <summary>Signed releases for the tests, made the way <c>policyctl release</c> makes them.</summary>
internal static class Releases
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public static PolicyList SmallList() => PolicyList(
        ("enforced.example", PolicyMode.Enforce, ["mx1.enforced.example", ".mail.enforced.example"]),
        ("testing.example", PolicyMode.Testing, ["mx.testing.example"]));

    public static PolicyList PolicyList(params (string Domain, PolicyMode Mode, string[] Mxs)[] entries) => new()
    {
        Version = "0.1",
        Policies = [.. entries.Select(e => new NamedPolicy(e.Domain, Policy.Direct(e.Mode, e.Mxs)))],
    };

    /// <summary>Writes release 1 of <paramref name="list"/>, made a minute ago, into <paramref name="directory"/>, signed by a new key whose public half goes to <paramref name="publicKeyFile"/>.</summary>
    public static string WriteSignedByNewKey(string directory, string publicKeyFile, PolicyList list)
    {
        using var key = MinisignSecretKey.Generate();
        File.WriteAllText(publicKeyFile, key.PublicKey.ToText());
        return Write(directory, key, 1, list, made: DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    /// <summary>Writes release <paramref name="serial"/> of <paramref name="list"/> into <paramref name="directory"/>.</summary>
    public static string Write(string directory, MinisignSecretKey key, long serial, PolicyList list, DateTimeOffset? made = null, TimeSpan? validity = null)
    {
        var timestamp = made ?? Now;
        var expires = timestamp + (validity ?? TimeSpan.FromDays(14));
        var stamped = list with { Timestamp = ListTime.FromInstant(timestamp), Expires = ListTime.FromInstant(expires) };
        ReleaseWriter.Write(directory, Encoding.UTF8.GetBytes(CanonicalWriter.Write(stamped)), serial, timestamp, expires, key);
        return directory;
    }
}

/// <summary>A clock that says what the test wants.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
