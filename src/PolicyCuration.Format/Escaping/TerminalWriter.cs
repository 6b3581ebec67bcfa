using System.Text;

namespace PolicyCuration.Format.Escaping;

/// <summary>
/// A terminal, a log or a pipe that every line reaches through <see cref="TerminalText.Line"/>: whatever a command
/// prints, no text from outside can start a workflow command or move the cursor. The program's own workflow
/// commands (annotations) go through <see cref="WriteWorkflowCommand"/>.
/// </summary>
public sealed class TerminalWriter(TextWriter inner) : TextWriter
{
    private readonly StringBuilder pending = new();

    /// <inheritdoc/>
    public override Encoding Encoding => inner.Encoding;

    /// <summary>Writes <paramref name="command"/>, a workflow command the program built itself, to <paramref name="output"/>: as it is through a <see cref="TerminalWriter"/>, as a line elsewhere.</summary>
    public static void WriteCommand(TextWriter output, string command)
    {
        if (output is TerminalWriter terminal)
        {
            terminal.WriteWorkflowCommand(command);
        }
        else
        {
            output.WriteLine(command);
        }
    }

    /// <summary>
    /// Writes UTF-8 <paramref name="text"/> to <paramref name="output"/>, escaped as any other text: it is decoded and goes
    /// through the same line-by-line judgement (<see cref="TerminalText"/>), so that one rule set decides for bytes and chars.
    /// </summary>
    public static void WriteUtf8(TextWriter output, ReadOnlySpan<byte> text) => output.Write(Encoding.UTF8.GetString(text));

    /// <summary>Writes a workflow command the program built itself, its values already escaped for GitHub.</summary>
    public void WriteWorkflowCommand(string command)
    {
        FlushPending();
        inner.Write(command);
        inner.Write('\n');
    }

    /// <inheritdoc/>
    public override void Write(char value)
    {
        if (value == '\n')
        {
            EndLine();
        }
        else
        {
            pending.Append(value);
        }
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        int start = 0;
        for (int end = value.IndexOf('\n', start); end >= 0; end = value.IndexOf('\n', start))
        {
            var line = value.AsSpan(start, end - start);
            if (pending.Length == 0 && TerminalText.IsPlain(line))
            {
                // Most lines need no escape: they go out without being copied.
                inner.Write(line);
                inner.Write('\n');
            }
            else
            {
                pending.Append(line);
                EndLine();
            }

            start = end + 1;
        }

        pending.Append(value, start, value.Length - start);
    }

    /// <inheritdoc/>
    public override void WriteLine(string? value)
    {
        Write(value);
        EndLine();
    }

    /// <inheritdoc/>
    public override void WriteLine() => EndLine();

    /// <inheritdoc/>
    public override void Flush()
    {
        FlushPending();
        inner.Flush();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    private void EndLine()
    {
        inner.Write(TerminalText.Line(pending.ToString()));
        inner.Write('\n');
        pending.Clear();
    }

    private void FlushPending()
    {
        if (pending.Length > 0)
        {
            inner.Write(TerminalText.Line(pending.ToString()));
            pending.Clear();
        }
    }
}
