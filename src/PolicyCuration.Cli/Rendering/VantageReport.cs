using PolicyCuration.Validation.Rendering;
using PolicyCuration.Format.Escaping;
using PolicyCuration.Probe;
using PolicyCuration.Probe.Vantage;

namespace PolicyCuration.Cli.Rendering;

/// <summary>The vantage's health at the end of a probing run: one line when healthy, a loud one (and a workflow error) when not.</summary>
internal static class VantageReport
{
    public static void Write(TextWriter error, VantageHealth vantage, ProbeStatistics statistics, string consequence)
    {
        error.WriteLine($"vantage {vantage.Id}: {vantage.StatusName}: {vantage.Reason}");
        error.WriteLine($"sessions: {statistics}");
        if (vantage.ToFinding(consequence) is not { } finding)
        {
            return;
        }

        error.WriteLine(FindingRenderer.ToLine(finding));
        if (Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true")
        {
            TerminalWriter.WriteCommand(error, FindingRenderer.ToWorkflowCommand(finding));
        }
    }
}
