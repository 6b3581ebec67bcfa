using System.Text;
using PolicyCuration.Consumer;
using PolicyCuration.Format.Escaping;

// Server replies and file contents can reach messages: every line goes through the terminal's escaping. Standard
// output is buffered when redirected (a map of 200 000 lines written one system call a line costs seconds).
var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = !Console.IsOutputRedirected };
using var output = new TerminalWriter(stdout);
using var error = new TerminalWriter(Console.Error);
try
{
    return StarttlsPolicy.Run(args, output, error);
}
finally
{
    output.Flush();
    stdout.Flush();
}
