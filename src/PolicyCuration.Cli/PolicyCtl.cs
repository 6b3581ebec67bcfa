using System.CommandLine;
using PolicyCuration.Cli.Commands;
using PolicyCuration.Format.Escaping;

namespace PolicyCuration.Cli;

/// <summary>The <c>policyctl</c> command line: parses arguments and hands each command to its library.</summary>
public static class PolicyCtl
{
    /// <summary>Runs <c>policyctl</c> with <paramref name="args"/>; returns the exit code.</summary>
    /// <remarks>Everything it prints goes through a <see cref="TerminalWriter"/>: no text from outside reaches a terminal or a log raw.</remarks>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        using var terminalOutput = new TerminalWriter(output);
        using var terminalError = new TerminalWriter(error);
        return Invoke(args, terminalOutput, terminalError);
    }

    private static int Invoke(string[] args, TerminalWriter output, TerminalWriter error)
    {
        var root = new RootCommand("policyctl: curate a signed STARTTLS policy list (EFF format 0.1).")
        {
            ValidateCommand.Create(),
            FmtCommand.Create(),
            DiffCommand.Create(),
            ProbeCommand.Create(),
            SigningCommands.Keygen(),
            SigningCommands.Release(),
            SigningCommands.Publish(),
            SigningCommands.Verify(),
            SigningCommands.Sign(),
            CheckPrCommand.Create(),
            PrReportCommand.Create(),
            EditCommands.Add(),
            EditCommands.Remove(),
            AuditCommand.Create(),
            SiteCommand.Create(),
        };
        CommonOptions.DropRepeatedDefaults(root);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                error.WriteLine($"policyctl: {problem.Message}");
            }

            error.WriteLine("Run 'policyctl --help' or 'policyctl COMMAND --help' for usage.");
            return ExitCodes.Usage;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }
}

/// <summary>The exit codes every command shares.</summary>
public static class ExitCodes
{
    /// <summary>Nothing blocks.</summary>
    public const int Ok = 0;

    /// <summary>At least one error finding.</summary>
    public const int Findings = 1;

    /// <summary>Bad arguments, or input that cannot be read at all.</summary>
    public const int Usage = 2;

    /// <summary>No verdict: the probing host could not reach mail servers (its canaries), so its probes judge no one.</summary>
    public const int Inconclusive = 3;
}
