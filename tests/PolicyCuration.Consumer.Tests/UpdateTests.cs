using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Signing;
using PolicyCuration.Testing;

namespace PolicyCuration.Consumer.Tests;

[Trait("Needs", "fixtures")]
public sealed class UpdateTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();
    private readonly MinisignSecretKey key = MinisignSecretKey.Generate();
    private readonly FixedClock clock = new(Releases.Now.AddHours(1));

    public UpdateTests() => File.WriteAllText(PublicKey, key.PublicKey.ToText());

    private string PublicKey => dir.File("release.pub");

    private string State => dir.File("state");

    private string Map => dir.File("starttls-policy");

    public void Dispose()
    {
        key.Dispose();
        dir.Dispose();
    }

    [Fact]
    public void AnUpdateInstallsTheReleaseAndWritesAMapThatPostmapServes()
    {
        Releases.Write(dir.File("r1"), key, 1, Releases.SmallList());

        var (code, _, error) = Update(dir.File("r1"), "--postmap");

        Assert.True(code == ConsumerExitCodes.Ok, error);
        string map = File.ReadAllText(Map);
        Assert.Contains("enforced.example\tsecure match=mx1.enforced.example:.mail.enforced.example servername=hostname\n", map);
        Assert.Contains("# testing: testing.example\tsecure match=mx.testing.example servername=hostname\n", map);
        Assert.Equal((0, "secure match=mx1.enforced.example:.mail.enforced.example servername=hostname\n"), ExternalTool.Run("postmap", ["-q", "enforced.example", Map]));
        Assert.Equal(1, ExternalTool.Run("postmap", ["-q", "testing.example", Map]).ExitCode);
    }

    [Fact]
    public void OverridesApplyToTheMapAndTheExportAndStatusShowsThem()
    {
        Releases.Write(dir.File("r1"), key, 1, Releases.SmallList());
        File.WriteAllText(dir.File("overrides"), "enforced.example none   # its new MX is not in the list yet\npartner.example secure match=.mail.partner.example\n");

        Assert.Equal(ConsumerExitCodes.Ok, Update(dir.File("r1"), "--override", dir.File("overrides"), "--no-servername").Code);
        var export = Consumer("export", "postfix", "--public-key", PublicKey, "--state-dir", State, "--override", dir.File("overrides"), "--no-servername");
        var status = Consumer("status", "--state-dir", State, "--override", dir.File("overrides"));

        string map = File.ReadAllText(Map);
        Assert.Equal(map, export.Output);
        Assert.DoesNotContain("enforced.example\tsecure", map);
        Assert.Contains("# none: enforced.example\n", map);
        Assert.Contains("partner.example\tsecure match=.mail.partner.example\n", map);
        Assert.Contains($"overrides 2 ({dir.File("overrides")})\n  enforced.example none (left out of the map)\n  partner.example secure match=.mail.partner.example\n", status.Output);

        // A broken overrides file stops the update before anything is written.
        File.WriteAllText(dir.File("overrides"), "partner.example strict\n");
        var refused = Update(dir.File("r1"), "--override", dir.File("overrides"));
        Assert.Equal(ConsumerExitCodes.Refused, refused.Code);
        Assert.Contains($"{dir.File("overrides")}:1:17: \"strict\" is not none or a Postfix security level", refused.Error);
        Assert.Equal(map, File.ReadAllText(Map));
    }

    [Fact]
    public void AnUpdateWritesEachExportBesideTheMapAndReloadsOnceWhenOneChanged()
    {
        Releases.Write(dir.File("r1"), key, 1, Releases.SmallList());
        string reloads = dir.File("reloads");
        string[] exports = ["--export", $"exim={dir.File("exim")}", "--export", $"haraka={dir.File("tls.ini")}", "--reload", $"echo reloaded >> {reloads}"];

        var first = Update(dir.File("r1"), exports);
        var again = Update(dir.File("r1"), exports);
        File.Delete(dir.File("exim"));
        var repaired = Update(dir.File("r1"), exports);

        Assert.True(first.Code == ConsumerExitCodes.Ok, first.Error);
        Assert.Contains("enforced.example: mx1.enforced.example : ^[^.]+\\.mail\\.enforced\\.example$\n", File.ReadAllText(dir.File("exim")));
        Assert.Contains("[outbound]\nforce_tls_hosts[]=enforced.example\n; testing: force_tls_hosts[]=testing.example\n", File.ReadAllText(dir.File("tls.ini")));
        Assert.Equal(Consumer("export", "exim", "--public-key", PublicKey, "--state-dir", State).Output, File.ReadAllText(dir.File("exim")));
        Assert.Equal(ConsumerExitCodes.Ok, again.Code);
        Assert.DoesNotContain("wrote", again.Output + again.Error);
        Assert.Contains($"wrote {dir.File("exim")}", repaired.Output);
        Assert.Empty(repaired.Error);
        Assert.Equal("reloaded\nreloaded\n", File.ReadAllText(reloads));
        Assert.Empty(Directory.GetFiles(dir.Path, ".*"));
    }

    [Theory]
    [InlineData("postfix=/tmp/x")]
    [InlineData("qmail=/tmp/x")]
    [InlineData("exim")]
    [InlineData("exim=")]
    public void AnExportThatIsNotFormatAndFileIsAUsageError(string value)
    {
        Releases.Write(dir.File("r1"), key, 1, Releases.SmallList());

        var refused = Update(dir.File("r1"), "--export", value);

        Assert.Equal(ConsumerExitCodes.Usage, refused.Code);
        Assert.Contains("give FORMAT=FILE", refused.Error);
    }

    [Fact]
    public void EarlyAdoptersEnforceTestingDomainsToo()
    {
        Releases.Write(dir.File("r1"), key, 1, Releases.SmallList());

        Assert.Equal(ConsumerExitCodes.Ok, Update(dir.File("r1"), "--early-adopter").Code);

        Assert.Contains("\ntesting.example\tsecure match=mx.testing.example servername=hostname\n", File.ReadAllText(Map));
    }

    public static TheoryData<string, string> Refusals { get; } = new()
    {
        { "older serial", "release.rollback" },
        { "flipped byte in the list", "release.signature.invalid" },
        { "signed by another key", "release.signature.invalid" },
        { "expired", "release.expired" },
        { "manifest of another release", "release.signature.invalid" },
        { "list of another release", "release.manifest.mismatch" },
        { "truncated signature", "release.signature.invalid" },
        { "missing file", "release.fetch.failed" },
        { "signed manifest that is not one", "release.manifest.invalid" },
    };

    /// <summary>Every refusal code some test here produces, for the check against the README.</summary>
    public static readonly string[] CodesProduced =
    [
        "release.signature.invalid", "release.manifest.invalid", "release.manifest.mismatch", "release.expired", "release.rollback",
        "release.fetch.failed", "release.list.invalid", "state.write_failed", "state.reload_failed",
    ];

    [Fact]
    public void AStateDirectoryThatDoesNotExistIsSaidToStartAfresh()
    {
        Releases.Write(dir.File("r1"), key, 1, Releases.SmallList());

        var first = Update(dir.File("r1"));
        var second = Update(dir.File("r1"));

        Assert.Equal((ConsumerExitCodes.Ok, ConsumerExitCodes.Ok), (first.Code, second.Code));
        Assert.Contains($"the state directory {State} does not exist yet, so this is taken as a first install", first.Error);
        Assert.Contains("rollback protection starts over", first.Error);
        Assert.Empty(second.Error);
    }

    [Fact]
    public void AFailedReloadSaysTheMapIsWrittenAndTheNextRunRetriesIt()
    {
        Releases.Write(dir.File("r1"), key, 1, Releases.SmallList());
        string reloads = dir.File("reloads");

        var failed = Update(dir.File("r1"), "--reload", "exit 4");
        var retried = Update(dir.File("r1"), "--reload", $"echo reloaded >> {reloads}");
        var quiet = Update(dir.File("r1"), "--reload", $"echo reloaded >> {reloads}", "--quiet");

        Assert.Equal(ConsumerExitCodes.Refused, failed.Code);
        Assert.Contains("the map is written, but the reload failed (state.reload_failed)", failed.Error);
        Assert.DoesNotContain("kept", failed.Error, StringComparison.Ordinal);
        Assert.Contains("enforced.example\tsecure match=", File.ReadAllText(Map));
        Assert.True(retried.Code == ConsumerExitCodes.Ok, retried.Error);
        Assert.Contains("reloaded: echo reloaded", retried.Output);
        Assert.Equal((ConsumerExitCodes.Ok, string.Empty, string.Empty), quiet);
        Assert.Equal("reloaded\n", File.ReadAllText(reloads));
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void ARefusedReleaseKeepsTheLastGoodStateAndMap(string what, string code)
    {
        Releases.Write(dir.File("good"), key, 5, Releases.SmallList());
        Assert.Equal(ConsumerExitCodes.Ok, Update(dir.File("good")).Code);
        byte[] mapBefore = File.ReadAllBytes(Map);
        string bad = MakeBad(what);

        var (exit, _, error) = Update(bad);

        Assert.Equal(ConsumerExitCodes.Refused, exit);
        Assert.Contains($"refused ({code})", error);
        Assert.Contains("the last good list and map are kept", error);
        Assert.Equal(mapBefore, File.ReadAllBytes(Map));
        Assert.Equal(ConsumerExitCodes.Ok, Consumer("verify", "--public-key", PublicKey, "--state-dir", State).Code);
        Assert.Contains("serial   5", Consumer("status", "--state-dir", State).Output);
    }

    [Fact]
    public void WhenTheInstalledReleaseExpiresWithoutAFreshOneTheMapHoldsNoPolicyAndSaysSoLoudly()
    {
        Releases.Write(dir.File("r1"), key, 1, Releases.SmallList());
        Assert.Equal(ConsumerExitCodes.Ok, Update(dir.File("r1")).Code);
        clock.Now = Releases.Now.AddDays(15);

        var (code, _, error) = Update(dir.File("r1"));

        Assert.Equal(ConsumerExitCodes.Expired, code);
        Assert.Contains("THE INSTALLED POLICY LIST HAS EXPIRED", error);
        Assert.All(File.ReadAllLines(Map), line => Assert.StartsWith("#", line));
        Assert.Contains("EXPIRED", File.ReadAllText(Map));
        Assert.Equal(ConsumerExitCodes.Expired, Consumer("status", "--state-dir", State).Code);
    }

    [Fact]
    public void AFreshReleaseReplacesAnExpiredOne()
    {
        Releases.Write(dir.File("r1"), key, 1, Releases.SmallList());
        Assert.Equal(ConsumerExitCodes.Ok, Update(dir.File("r1")).Code);
        clock.Now = Releases.Now.AddDays(15);
        Releases.Write(dir.File("r2"), key, 2, Releases.SmallList(), made: Releases.Now.AddDays(14));

        Assert.Equal(ConsumerExitCodes.Ok, Update(dir.File("r2")).Code);
        Assert.Contains("serial 2", File.ReadAllText(Map));
    }

    [Fact]
    public void WhileKeysRotateAReleaseSignedByEitherPinnedKeyIsAccepted()
    {
        using var next = MinisignSecretKey.Generate();
        File.WriteAllText(dir.File("next.pub"), next.PublicKey.ToText());
        Releases.Write(dir.File("r1"), next, 1, Releases.SmallList());

        var (code, said, error) = Consumer("update", "--source", dir.File("r1"), "--public-key", PublicKey, "--public-key", dir.File("next.pub"), "--state-dir", State);
        var (threeKeys, _, tooMany) = Consumer("update", "--source", dir.File("r1"), "--public-key", PublicKey, "--public-key", PublicKey, "--public-key", PublicKey, "--state-dir", State);

        Assert.True(code == ConsumerExitCodes.Ok, error);
        Assert.Contains($"signed by key {next.Id}", said);
        Assert.Equal(ConsumerExitCodes.Usage, threeKeys);
        Assert.Contains("one or two keys", tooMany);
    }

    [Fact]
    public void ExportAndVerifyWorkOnTheInstalledRelease()
    {
        Releases.Write(dir.File("r1"), key, 3, Releases.SmallList());
        Update(dir.File("r1"));

        var (code, output, _) = Consumer("export", "postfix", "--public-key", PublicKey, "--state-dir", State, "--early-adopter");
        var verify = Consumer("verify", "--public-key", PublicKey, "--state-dir", State);

        Assert.Equal(ConsumerExitCodes.Ok, code);
        Assert.Contains("testing.example\tsecure match=mx.testing.example", output);
        Assert.Contains("serial 3: signatures, hashes and expiry verified", verify.Output);
    }

    [Fact]
    public void AListWithAnEmptyMxSetIsRefusedNotWrittenAsAnEmptyMatch()
    {
        var list = Releases.PolicyList(("empty.example", PolicyMode.Enforce, []), ("fine.example", PolicyMode.Enforce, ["mx.fine.example"]));
        Releases.Write(dir.File("r1"), key, 1, list);

        var (code, _, error) = Update(dir.File("r1"));

        Assert.Equal(ConsumerExitCodes.Refused, code);
        Assert.Contains("refused (release.list.invalid)", error);
        Assert.Contains("empty.example has no MX pattern", error);
        Assert.False(File.Exists(Map));
    }

    [Fact]
    public void AMapThatCannotBeWrittenIsAStateWriteFailure()
    {
        Releases.Write(dir.File("r1"), key, 1, Releases.SmallList());

        var (code, _, error) = Consumer("update", "--source", dir.File("r1"), "--public-key", PublicKey, "--state-dir", State, "--postfix-map", dir.File("missing-dir/map"));

        Assert.Equal(ConsumerExitCodes.Refused, code);
        Assert.Contains("refused (state.write_failed)", error);
        Assert.Contains("the new release is installed, the last map is kept until a run can write it", error);

        Directory.CreateDirectory(dir.File("missing-dir"));
        var (again, report, _) = Consumer("update", "--source", dir.File("r1"), "--public-key", PublicKey, "--state-dir", State, "--postfix-map", dir.File("missing-dir/map"));
        Assert.Equal(ConsumerExitCodes.Ok, again);
        Assert.Contains("serial 1 is already installed", report);
        Assert.Contains("enforced.example\tsecure match=mx1.enforced.example:.mail.enforced.example", File.ReadAllText(dir.File("missing-dir/map")));
    }

    [Fact]
    public void EveryRefusalCodeIsProducedByATestAndHasADocumentedRow()
    {
        string readme = File.ReadAllText(TestFiles.ConsumerDoc);
        PolicyCuration.Testing.CatalogueAssertions.CodesAreWellFormed([.. ReleaseFindingKinds.All, .. StateFindingKinds.All]);
        Assert.Equal(FindingKind.DeclaredIn(typeof(ReleaseFindingKinds)), ReleaseFindingKinds.All);
        Assert.Equal(FindingKind.DeclaredIn(typeof(StateFindingKinds)), StateFindingKinds.All);
        var codes = ReleaseFindingKinds.All.Select(c => c.Code).Append(StateFindingKinds.WriteFailed.Code).Append(StateFindingKinds.ReloadFailed.Code).ToList();

        Assert.Equal(codes.Order(), CodesProduced.Order());
        Assert.All(codes, code => Assert.Contains($"| `{code}` |", readme));
    }

    private string MakeBad(string what)
    {
        string bad = dir.File("bad");
        switch (what)
        {
            case "older serial":
                return Releases.Write(bad, key, 4, Releases.SmallList());
            case "signed by another key":
                using (var other = MinisignSecretKey.Generate())
                {
                    return Releases.Write(bad, other, 6, Releases.SmallList());
                }

            case "expired":
                return Releases.Write(bad, key, 6, Releases.SmallList(), made: Releases.Now.AddDays(-20));
        }

        Releases.Write(bad, key, 6, Releases.SmallList());
        Releases.Write(dir.File("other"), key, 7, Releases.PolicyList(("other.example", PolicyMode.Enforce, ["mx.other.example"])));
        switch (what)
        {
            case "flipped byte in the list":
                var bytes = File.ReadAllBytes(Path.Combine(bad, "policy.json"));
                bytes[10] ^= 0x20;
                File.WriteAllBytes(Path.Combine(bad, "policy.json"), bytes);
                break;
            case "manifest of another release":
                File.Copy(Path.Combine(dir.File("other"), "manifest.json"), Path.Combine(bad, "manifest.json"), overwrite: true);
                break;
            case "list of another release":
                File.Copy(Path.Combine(dir.File("other"), "policy.json"), Path.Combine(bad, "policy.json"), overwrite: true);
                File.Copy(Path.Combine(dir.File("other"), "policy.json.minisig"), Path.Combine(bad, "policy.json.minisig"), overwrite: true);
                break;
            case "truncated signature":
                string signature = File.ReadAllText(Path.Combine(bad, "manifest.json.minisig"));
                File.WriteAllText(Path.Combine(bad, "manifest.json.minisig"), signature[..(signature.Length / 2)]);
                break;
            case "missing file":
                File.Delete(Path.Combine(bad, "policy.json.minisig"));
                break;
            case "signed manifest that is not one":
                byte[] junk = "{\"not\": \"a manifest\"}\n"u8.ToArray();
                File.WriteAllBytes(Path.Combine(bad, "manifest.json"), junk);
                File.WriteAllText(Path.Combine(bad, "manifest.json.minisig"), MinisignSignature.Sign(key, junk, "anything").ToText());
                break;
        }

        return bad;
    }

    private (int Code, string Output, string Error) Update(string source, params string[] extra) =>
        Consumer(["update", "--source", source, "--public-key", PublicKey, "--state-dir", State, "--postfix-map", Map, .. extra]);

    private (int Code, string Output, string Error) Consumer(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = StarttlsPolicy.Run(args, output, error, clock);
        return (code, output.ToString(), error.ToString());
    }
}
