using PolicyCuration.Consumer;
using PolicyCuration.Format.Escaping;

// Server replies and file contents can reach messages: every line goes through the terminal's escaping.
using var output = new TerminalWriter(Console.Out);
using var error = new TerminalWriter(Console.Error);
return StarttlsPolicy.Run(args, output, error);
