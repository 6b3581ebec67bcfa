using PolicyCuration.Testing;

namespace PolicyCuration.Cli.Tests;

/// <summary>Runs policyctl and captures what it prints: in process, or as the published binary that POLICYCURATION_POLICYCTL names.</summary>
/// <remarks>tools/test.sh runs the command tests both ways, so that the published binary is held to the same behaviour.</remarks>
internal static class PolicyCtlRunner
{
    private static readonly string? PublishedBinary = Environment.GetEnvironmentVariable("POLICYCURATION_POLICYCTL") is { Length: > 0 } path ? path : null;

    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        if (PublishedBinary is not null)
        {
            return File.Exists(PublishedBinary)
                ? ExternalTool.RunApart(PublishedBinary, args)
                : throw new InvalidOperationException($"POLICYCURATION_POLICYCTL names {PublishedBinary}, which does not exist: tools/test.sh publishes it");
        }

        var output = new StringWriter();
        var error = new StringWriter();
        int code = PolicyCtl.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
