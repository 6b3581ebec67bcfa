namespace PolicyCuration.Cli.Tests;

/// <summary>Runs policyctl in process and captures what it prints; what it writes in JSON is checked against its schema.</summary>
/// <remarks>The workflow rehearsal and the README test start it as users do, through dotnet.</remarks>
internal static class PolicyCtlRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = PolicyCtl.Run(args, output, error);
        Testing.WrittenJson.OfCommand(args, output.ToString());
        return (code, output.ToString(), error.ToString());
    }
}
