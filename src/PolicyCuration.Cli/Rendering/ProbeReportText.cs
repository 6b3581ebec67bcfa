using PolicyCuration.Format.Findings;
using PolicyCuration.Format.Model;
using PolicyCuration.Probe;
using Spectre.Console;

namespace PolicyCuration.Cli;

/// <summary>Probe reports for people: findings grouped by domain, the entry a domain would need, then one table row per MX address.</summary>
internal static class ProbeReportText
{
    public static void Write(TextWriter output, IReadOnlyList<DomainReport> reports)
    {
        foreach (var report in reports)
        {
            output.WriteLine($"{report.Domain}: {(report.Passed ? "passed" : "FAILED")} ({Describe(report)})");
            foreach (var finding in report.Findings)
            {
                output.WriteLine($"  {FindingJson.SeverityName(finding.Severity)} {finding.Code}: {finding.Message}");
            }

            if (!report.Target.HasEntry && report.Suggested is { } entry)
            {
                output.WriteLine($"  an entry would need: mode {entry.Mode.ToJson()}, mxs [{string.Join(", ", entry.Mxs.Select(m => $"\"{m}\""))}]" +
                    (report.Passed ? string.Empty : ", once the errors above are fixed"));
            }
        }

        output.WriteLine();
        WriteTable(output, reports);
        int errors = reports.Sum(r => r.Findings.Count(f => f.Severity == Severity.Error));
        int warnings = reports.Sum(r => r.Findings.Count(f => f.Severity == Severity.Warning));
        int passed = reports.Count(r => r.Passed);
        output.WriteLine($"{reports.Count} domain{(reports.Count == 1 ? string.Empty : "s")} probed: {passed} passed, {reports.Count - passed} failed; {errors} error{(errors == 1 ? string.Empty : "s")}, {warnings} warning{(warnings == 1 ? string.Empty : "s")}");
    }

    private static string Describe(DomainReport report)
    {
        string hosts = report.Mx.Count == 1 ? "1 MX host" : $"{report.Mx.Count} MX hosts";
        string sts = report.MtaStsPolicy is { } policy ? $"MTA-STS {policy.Mode}" : "no MTA-STS policy";
        return $"{hosts}, {sts}, {report.Elapsed.TotalSeconds:0.00} s";
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<DomainReport> reports)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160;
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("Domain", "MX", "Address", "TLS", "Certificate", "Verdict");
        foreach (var report in reports)
        {
            if (report.Hosts.Count == 0)
            {
                table.AddRow(Cell(report.Domain), "-", "-", "-", "-", Cell(Verdict(report.DomainFindings)));
                continue;
            }

            foreach (var host in report.Hosts)
            {
                string certificate = host.Certificate is { } c ? $"{string.Join(", ", c.Names.Take(2))} until {c.NotAfter:yyyy-MM-dd}" : "-";
                table.AddRow(
                    Cell(report.Domain), Cell(host.Host), Cell(host.Address?.ToString() ?? "-"), Cell(host.TlsVersion ?? "-"),
                    Cell(certificate), Cell(Verdict(host.Findings)));
            }
        }

        console.Write(table);
    }

    private static string Verdict(IReadOnlyList<Finding> findings)
    {
        var worst = findings.Where(f => f.Severity == Severity.Error).Select(f => f.Code).Distinct().ToList();
        return worst.Count == 0 ? "ok" : string.Join(" ", worst.Take(3)) + (worst.Count > 3 ? " …" : string.Empty);
    }

    private static string Cell(string text) => Markup.Escape(text);
}
