using System.Text.Json;
using System.Text.RegularExpressions;
using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

/// <summary>
/// A pull request's list carrying text meant for the runner, a terminal or a Markdown renderer, through every command
/// that prints it: every line and every report comes out inert.
/// </summary>
[Trait("Needs", "fixtures")]
public sealed partial class InjectionTests : IDisposable
{
    private const string Key = "x.org\n::notice title=policyctl check-pr::mergeable\n::add-mask::error\n::stop-commands::zz";
    private const string Pattern = "[click](https://evil.example/) @maintainers <img src=x> ##[set-output name=v]1 \u001b[31m\u0085";
    private readonly TemporaryDirectory dir = new();
    private readonly ListRepository repository;

    public InjectionTests()
    {
        repository = new ListRepository(dir.File("repo"));
        repository.Commit(ListRepository.List(("valid.example", "mx.valid.example")), "base");
        repository.Commit(ListRepository.List(("valid.example", "mx.valid.example"), (Key, Pattern), ("@maintainers.example", "mx.example.org")), "hostile");
    }

    private string Repo => repository.Path;

    private string ListFile => repository.ListFile;

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("text")]
    [InlineData("github")]
    [InlineData("json")]
    public void ValidateInEveryFormat(string format)
    {
        var (code, output, error) = PolicyCtlRunner.Run("validate", ListFile, "--schema", TestFiles.Schema, "--format", format);

        Assert.Equal(ExitCodes.Findings, code);
        AssertInertLines(output + error);
        if (format == "json")
        {
            JsonDocument.Parse(output[..(output.LastIndexOf(']') + 1)]).Dispose();
        }
    }

    [Fact]
    public void FmtCheck()
    {
        var (_, output, error) = PolicyCtlRunner.Run("fmt", ListFile, "--schema", TestFiles.Schema, "--check");

        AssertInertLines(output + error);
    }

    [Fact]
    public void CheckPrInEveryOutputWithoutLookingUpTheNamesItRefuses()
    {
        string summary = dir.File("summary.md"), comment = dir.File("comment.md"), json = dir.File("report.json");

        var (code, output, error) = PolicyCtlRunner.Run(
            "check-pr", "--git", Repo, "--base", "HEAD~1", "--head", "HEAD", "--repo", "owner/list", "--pr", "42", "--no-probe", "--dns", "127.0.0.1:9",
            "--timeout", "2", "--annotations", "--summary", summary, "--comment-out", comment, "--json-out", json);

        Assert.Equal(ExitCodes.Findings, code);
        AssertInertLines(output + error);
        foreach (string markdown in new[] { File.ReadAllText(summary), File.ReadAllText(comment) })
        {
            AssertInertMarkdown(markdown);
            Assert.DoesNotContain("ownership", markdown, StringComparison.Ordinal);
        }

        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.False(report.RootElement.GetProperty("mergeable").GetBoolean());
        Assert.DoesNotContain(report.RootElement.GetProperty("domains").EnumerateArray(), d => d.GetProperty("domain").GetString()!.Contains("::", StringComparison.Ordinal));
    }

    [Fact]
    public void AnOwnershipRecordQuotedInEveryOutputOfCheckPr()
    {
        // The fixture zone's record at _starttls-policy.hostile.probe.test holds the payloads.
        repository.Commit(ListRepository.List(("valid.example", "mx.valid.example"), ("hostile.probe.test", "mx.valid.probe.test")), "add hostile");
        string summary = dir.File("summary.md"), comment = dir.File("comment.md");

        var (code, output, error) = PolicyCtlRunner.Run(
            "check-pr", "--git", Repo, "--base", "HEAD~2", "--head", "HEAD", "--repo", "owner/list", "--pr", "42", "--no-probe",
            "--dns", ProbeFixtures.Dns.ToString(), "--annotations", "--summary", summary, "--comment-out", comment);

        Assert.Equal(ExitCodes.Findings, code);
        Assert.Contains("ownership.txt.mismatch", output);
        Assert.Contains("evil.example", output);
        AssertInertLines(output + error);
        AssertInertMarkdown(File.ReadAllText(summary));
        AssertInertMarkdown(File.ReadAllText(comment));
        Assert.Contains("evil.example", File.ReadAllText(comment));
    }

    [Fact]
    public async Task AnSmtpServersRepliesInEveryOutputOfProbeAndCheckPr()
    {
        // A peer no real server can be set up as: its greeting carries the payloads, raw C1 bytes and a bare CR included.
        using var peer = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse("127.0.10.40"), ProbeFixtures.SmtpPort);
        peer.Start();
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            byte[] greeting = [.. System.Text.Encoding.UTF8.GetBytes("554 ::notice title=x::mergeable ##[set-output name=v]1 \u001b[31m "), 0x85, 0x9B,
                .. System.Text.Encoding.UTF8.GetBytes(" <img src=x> @maintainers [a](https://evil.example/) bad\r::error::forged\r\n")];
            // Ends only by the cancellation below, so the assertion after it cannot race the loop's condition.
            while (true)
            {
                using var client = await peer.AcceptTcpClientAsync(stop.Token);
                try
                {
                    await client.GetStream().WriteAsync(greeting, stop.Token);
                }
                catch (IOException)
                {
                    // A prober that hung up before the greeting; the next one still gets it.
                }
            }
        });
        repository.Commit(ListRepository.List(("valid.example", "mx.valid.example"), ("hostile-smtp.probe.test", "mx.hostile.probe.test")), "add hostile-smtp");
        string summary = dir.File("summary.md");

        try
        {
            var text = PolicyCtlRunner.Run(["probe", "hostile-smtp.probe.test", .. ProbeFixtures.CommandLine(timeoutSeconds: 5)]);
            var json = PolicyCtlRunner.Run(["probe", "hostile-smtp.probe.test", "--format", "json", .. ProbeFixtures.CommandLine(timeoutSeconds: 5)]);
            File.WriteAllText(dir.File("add.json"), ListRepository.List(("valid.example", "mx.valid.example")));
            var add = PolicyCtlRunner.Run(["add", "hostile-smtp.probe.test", "--list", dir.File("add.json"), .. ProbeFixtures.CommandLine(timeoutSeconds: 5)]);
            var pr = PolicyCtlRunner.Run(["check-pr", "--git", Repo, "--base", "HEAD~2", "--head", "HEAD", "--annotations", "--summary", summary, .. ProbeFixtures.CommandLine(timeoutSeconds: 5)]);

            Assert.Contains("smtp.greeting.rejected", text.Output);
            Assert.True(text.Output.Contains("evil.example", StringComparison.Ordinal), text.Output);
            AssertInertLines(text.Output + text.Error);
            AssertInertLines(json.Output + json.Error);
            JsonDocument.Parse(json.Output).Dispose();
            Assert.Equal(ExitCodes.Findings, add.ExitCode);
            Assert.Contains("smtp.greeting.rejected", add.Error);
            AssertInertLines(add.Output + add.Error);
            Assert.Contains("smtp.greeting.rejected", pr.Output);
            AssertInertLines(pr.Output + pr.Error);
            AssertInertMarkdown(File.ReadAllText(summary));
        }
        finally
        {
            await stop.CancelAsync();
            peer.Stop();
            await Assert.ThrowsAnyAsync<Exception>(() => serving);
        }
    }

    /// <summary>Every line is either one of the program's own annotations or inert text.</summary>
    internal static void AssertInertLines(string text)
    {
        foreach (string line in text.Split('\n'))
        {
            if (OwnAnnotation().IsMatch(line))
            {
                Assert.DoesNotContain("##[", line, StringComparison.Ordinal);
                continue;
            }

            Assert.False(line.TrimStart().StartsWith("::", StringComparison.Ordinal), $"a line starts a workflow command: {line}");
            Assert.DoesNotContain("##[", line, StringComparison.Ordinal);
            Assert.DoesNotMatch(UnsafeCharacter(), line);
        }
    }

    /// <summary>Outside code spans, nothing that renders a link, image, mention or HTML.</summary>
    internal static void AssertInertMarkdown(string markdown)
    {
        Assert.DoesNotMatch(UnsafeCharacter(), markdown.Replace("\n", string.Empty, StringComparison.Ordinal));
        string outside = CodeSpan().Replace(markdown, string.Empty).Replace("<!-- policyctl check-pr -->", string.Empty, StringComparison.Ordinal);
        foreach (string danger in new[] { "](", "<img", "<", "@maintainers", "https://", "##[", "::notice" })
        {
            Assert.DoesNotContain(danger, outside, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"^::(error|warning|notice) (file=[^,:]*,line=\d+,col=\d+,)?title=[a-z0-9._ -]+::[^\r\n]*$")]
    private static partial Regex OwnAnnotation();

    [GeneratedRegex(@"[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF]")]
    private static partial Regex UnsafeCharacter();

    [GeneratedRegex(@"(`+).*?\1", RegexOptions.Singleline)]
    private static partial Regex CodeSpan();
}
