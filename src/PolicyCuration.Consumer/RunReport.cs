namespace PolicyCuration.Consumer;

/// <summary>
/// Where a run's lines go: a problem (a line the tool starts with its own name, <c>starttls-policy: …</c>) to the error
/// stream, and what went well to the output, or nowhere under <c>--quiet</c>, so that cron mails the admin only when
/// something needs them.
/// </summary>
public sealed class RunReport(TextWriter progress, TextWriter problems) : TextWriter
{
    private const string ProblemPrefix = "starttls-policy:";
    private readonly System.Text.StringBuilder line = new();

    /// <inheritdoc/>
    public override System.Text.Encoding Encoding => problems.Encoding;

    /// <inheritdoc/>
    public override void Write(char value)
    {
        if (value != '\n')
        {
            line.Append(value);
            return;
        }

        string text = line.ToString();
        line.Clear();
        (text.StartsWith(ProblemPrefix, StringComparison.Ordinal) ? problems : progress).WriteLine(text);
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        foreach (char c in value ?? string.Empty)
        {
            Write(c);
        }
    }

    /// <inheritdoc/>
    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }

    /// <inheritdoc/>
    public override void WriteLine() => Write('\n');

    /// <inheritdoc/>
    public override void Flush()
    {
        if (line.Length > 0)
        {
            Write('\n');
        }

        progress.Flush();
        problems.Flush();
    }
}
