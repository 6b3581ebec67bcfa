using System.Buffers;
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

    private StreamWriter? InnerStreamWriter => inner as StreamWriter;

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

    /// <summary>Writes UTF-8 <paramref name="text"/> to <paramref name="output"/>, escaped as any other text; through a <see cref="TerminalWriter"/>, text that needs no escape goes out as it is, without a copy.</summary>
    public static void WriteUtf8(TextWriter output, ReadOnlySpan<byte> text)
    {
        if (output is TerminalWriter { pending.Length: 0 } terminal && terminal.InnerStreamWriter is { Encoding: UTF8Encoding } stream && IsPlainAscii(text))
        {
            stream.Flush();
            stream.BaseStream.Write(text);
            return;
        }

        output.Write(Encoding.UTF8.GetString(text));
    }

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

    // Stricter than TerminalText.IsPlain, so that a whole block is judged without splitting it into lines: ASCII,
    // no control character but tab and line feed, and neither "::" nor "##[" anywhere.
    private static bool IsPlainAscii(ReadOnlySpan<byte> text) =>
        Ascii.IsValid(text) && text.IndexOfAny(UnsafeBytes) < 0 && text.IndexOf("::"u8) < 0 && text.IndexOf("##["u8) < 0;

    private static readonly SearchValues<byte> UnsafeBytes = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(b => b is not '\t' and not '\n').Select(b => (byte)b), 0x7F]);

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
