using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe.Tls;

namespace PolicyCuration.Probe.Tests;

public sealed class CertificateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("mx.example.org", "mx.example.org", true)]
    [InlineData("MX.Example.org", "mx.example.org.", true)]
    [InlineData("*.example.org", "mx.example.org", true)]
    [InlineData("*.example.org", "a.b.example.org", false)]
    [InlineData("*.example.org", "example.org", false)]
    [InlineData("mx.example.org", "mx2.example.org", false)]
    [InlineData("m*.example.org", "mx.example.org", false)]
    public void CertificateNamesMatchHostsAsRfc6125Says(string name, string host, bool matches) =>
        Assert.Equal(matches, CertificateNames.Matches(name.ToLowerInvariant(), host));

    [Theory]
    [InlineData("mx.example.org", "mx.example.org", true)]
    [InlineData("mx.example.org", ".example.org", true)]
    [InlineData("a.mx.example.org", ".example.org", false)]
    [InlineData("*.example.org", ".example.org", true)]
    [InlineData("*.example.org", "mx.example.org", true)]
    [InlineData("*.example.org", ".mail.example.org", false)]
    [InlineData("mx.example.net", ".example.org", false)]
    public void CertificateNamesCoverListPatterns(string name, string pattern, bool covers) =>
        Assert.Equal(covers, CertificateNames.Covers(name, new MxPattern(pattern)));

    public static TheoryData<string, int, int, string[], string[]> Certificates { get; } = new()
    {
        // name on the certificate, days from now to notBefore and notAfter, patterns, expected codes
        { "mx.example.org", -10, 300, ["mx.example.org"], [] },
        { "mx.example.org", -10, 300, [".example.org"], [] },
        { "*.example.org", -10, 300, [".example.org"], [] },
        { "mx.example.org", -10, 5, ["mx.example.org"], ["tls.cert.expires_soon"] },
        { "mx.example.org", -100, -1, ["mx.example.org"], ["tls.cert.expired"] },
        { "mx.example.org", 3, 300, ["mx.example.org"], ["tls.cert.not_yet_valid"] },
        { "other.example.net", -10, 300, ["mx.example.org"], ["tls.cert.name_mismatch", "tls.cert.pattern_mismatch"] },
        { "mx.example.org", -10, 300, [".example.net"], ["tls.cert.pattern_mismatch"] },
    };

    [Theory]
    [MemberData(nameof(Certificates))]
    public void CertificatesAreJudgedOnChainTimeNameAndPatterns(string name, int fromDays, int toDays, string[] patterns, string[] codes)
    {
        using var root = CreateRoot();
        using var leaf = CreateLeaf(root, name, Now.AddDays(fromDays), Now.AddDays(toDays));

        var verdict = CertificateVerdict.Judge(
            leaf, [], [root], Now, "mx.example.org", [.. patterns.Select(p => new MxPattern(p))], "mx.example.org");

        Assert.Equal(codes.Order(), verdict.Findings.Select(f => f.Code).Order());
    }

    [Fact]
    public void ACertificateFromAnotherRootIsUntrusted()
    {
        using var root = CreateRoot();
        using var stranger = CreateRoot();
        using var leaf = CreateLeaf(root, "mx.example.org", Now.AddDays(-1), Now.AddDays(100));

        var verdict = CertificateVerdict.Judge(leaf, [], [stranger], Now, "mx.example.org", null, "mx.example.org");

        Assert.Equal(["tls.cert.untrusted"], verdict.Findings.Select(f => f.Code));
        Assert.False(verdict.Passed);
    }

    private static X509Certificate2 CreateRoot()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Unit Test Root", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(5));
    }

    private static X509Certificate2 CreateLeaf(X509Certificate2 root, string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(root, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        return signed.CopyWithPrivateKey(key);
    }
}
