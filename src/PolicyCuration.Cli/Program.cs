using System.Text;
using PolicyCuration.Cli;

// Console.Out writes each line through at once: a report of 10 000 domains cost seconds of system calls. Standard
// output is buffered when it goes to a file or a pipe, and written through on a terminal, where someone watches.
var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = !Console.IsOutputRedirected };
try
{
    return PolicyCtl.Run(args, stdout, Console.Error);
}
finally
{
    stdout.Flush();
}
