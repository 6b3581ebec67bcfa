using System.Text;
using PolicyCuration.Testing;

namespace PolicyCuration.Signing.Tests;

/// <summary>Our keys and signatures against the real minisign, both ways, including what both must refuse.</summary>
[Trait("Needs", "fixtures")]
public sealed class MinisignInteropTests
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("{\"version\": \"0.1\"}\n");

    [Fact]
    public void MinisignVerifiesWhatWeSign()
    {
        using var dir = new TemporaryDirectory();
        using var key = MinisignSecretKey.Generate();
        File.WriteAllText(dir.File("key.pub"), key.PublicKey.ToText());
        File.WriteAllBytes(dir.File("list.json"), Content);
        File.WriteAllText(dir.File("list.json.minisig"), MinisignSignature.Sign(key, Content, "serial:7 expires:2026-12-12T00:00:00Z").ToText());

        var (code, output) = ExternalTool.Run("minisign", ["-Vm", dir.File("list.json"), "-p", dir.File("key.pub")]);

        Assert.True(code == 0, output);
        Assert.Contains("Trusted comment: serial:7 expires:2026-12-12T00:00:00Z", output);
    }

    [Fact]
    public void WeVerifyWhatMinisignSignsWithAnUnencryptedKey()
    {
        using var dir = new TemporaryDirectory();
        Minisign(dir, "-G", "-W", "-p", dir.File("key.pub"), "-s", dir.File("key.sec"));
        File.WriteAllBytes(dir.File("list.json"), Content);
        Minisign(dir, "-S", "-s", dir.File("key.sec"), "-m", dir.File("list.json"), "-t", "from minisign");

        var signature = MinisignSignature.Load(dir.File("list.json.minisig"));
        var key = signature.Verify(Content, [MinisignPublicKey.Load(dir.File("key.pub"))], "list.json.minisig");

        Assert.Equal("from minisign", signature.TrustedComment);
        Assert.True(signature.Prehashed);
        Assert.Equal(MinisignPublicKey.Load(dir.File("key.pub")).Id, key.Id);
    }

    [Fact]
    public void WeSignWithMinisignsUnencryptedSecretKeyAndMinisignAgrees()
    {
        using var dir = new TemporaryDirectory();
        Minisign(dir, "-G", "-W", "-p", dir.File("key.pub"), "-s", dir.File("key.sec"));
        using var key = MinisignSecretKey.Load(dir.File("key.sec"), password: null);
        File.WriteAllBytes(dir.File("list.json"), Content);
        File.WriteAllText(dir.File("list.json.minisig"), MinisignSignature.Sign(key, Content, "ours").ToText());

        Assert.Equal(MinisignPublicKey.Load(dir.File("key.pub")).Id, key.Id);
        var (code, output) = ExternalTool.Run("minisign", ["-Vm", dir.File("list.json"), "-p", dir.File("key.pub")]);
        Assert.True(code == 0, output);
    }

    [Fact]
    public void WeReadMinisignsEncryptedSecretKeyWithItsPasswordAndRefuseAWrongOne()
    {
        using var dir = new TemporaryDirectory();
        MinisignWithInput(dir, "correct horse\ncorrect horse\n", "-G", "-p", dir.File("key.pub"), "-s", dir.File("key.sec"));

        using var key = MinisignSecretKey.Load(dir.File("key.sec"), "correct horse");
        var wrong = Assert.Throws<SignatureException>(() => MinisignSecretKey.Load(dir.File("key.sec"), "battery staple"));
        var none = Assert.Throws<SignatureException>(() => MinisignSecretKey.Load(dir.File("key.sec"), null));

        Assert.Equal(MinisignPublicKey.Load(dir.File("key.pub")).Id, key.Id);
        Assert.Equal(key.PublicKey.RawKey, MinisignPublicKey.Load(dir.File("key.pub")).RawKey);
        Assert.Contains("wrong password", wrong.Message);
        Assert.Contains("give its password", none.Message);
    }

    [Fact]
    public void MinisignSignsWithOurEncryptedSecretKey()
    {
        using var dir = new TemporaryDirectory();
        using var key = MinisignSecretKey.Generate();
        File.WriteAllText(dir.File("key.sec"), key.ToText("pw"));
        File.WriteAllText(dir.File("key.pub"), key.PublicKey.ToText());
        File.WriteAllBytes(dir.File("list.json"), Content);

        MinisignWithInput(dir, "pw\n", "-S", "-s", dir.File("key.sec"), "-m", dir.File("list.json"), "-t", "from minisign with our key");

        MinisignSignature.Load(dir.File("list.json.minisig")).Verify(Content, [key.PublicKey], "list.json.minisig");
        using var again = MinisignSecretKey.Load(dir.File("key.sec"), "pw");
        Assert.Equal(key.Id, again.Id);
    }

    public static TheoryData<string> Tamperings { get; } = ["flipped byte", "wrong key", "truncated signature", "edited trusted comment"];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void BothMinisignAndWeRefuseATamperedRelease(string tampering)
    {
        using var dir = new TemporaryDirectory();
        using var key = MinisignSecretKey.Generate();
        using var other = MinisignSecretKey.Generate();
        var content = (byte[])Content.Clone();
        string signature = MinisignSignature.Sign(key, content, "serial:1").ToText();
        var trusted = key.PublicKey;
        switch (tampering)
        {
            case "flipped byte":
                content[3] ^= 0x01;
                break;
            case "wrong key":
                trusted = other.PublicKey;
                break;
            case "truncated signature":
                signature = signature[..(signature.Length / 2)];
                break;
            case "edited trusted comment":
                signature = signature.Replace("trusted comment: serial:1", "trusted comment: serial:9", StringComparison.Ordinal);
                break;
        }

        File.WriteAllBytes(dir.File("list.json"), content);
        File.WriteAllText(dir.File("list.json.minisig"), signature);
        File.WriteAllText(dir.File("key.pub"), trusted.ToText());

        var (code, output) = ExternalTool.Run("minisign", ["-Vm", dir.File("list.json"), "-p", dir.File("key.pub")]);
        Assert.True(code != 0, $"minisign accepted the {tampering}: {output}");
        Assert.Throws<SignatureException>(() => MinisignSignature.Parse(signature).Verify(content, [trusted], "list.json.minisig"));
    }

    [Theory]
    [InlineData(33_554_432UL, 1_073_741_824UL, 20, 8, 1)]
    [InlineData(524_288UL, 16_777_216UL, 14, 8, 1)]
    [InlineData(1_000UL, 1_073_741_824UL, 10, 8, 1)]
    public void ScryptParametersArePickedAsLibsodiumPicksThem(ulong ops, ulong mem, int nLog2, int r, int p) =>
        Assert.Equal((nLog2, r, p), MinisignSecretKey.PickParameters(ops, mem));

    private static void Minisign(TemporaryDirectory dir, params string[] arguments) => MinisignWithInput(dir, null, arguments);

    private static void MinisignWithInput(TemporaryDirectory dir, string? input, params string[] arguments)
    {
        var (code, output) = ExternalTool.Run("minisign", arguments, input, dir.Path);
        Assert.True(code == 0, $"minisign {string.Join(' ', arguments)}: {output}");
    }
}
