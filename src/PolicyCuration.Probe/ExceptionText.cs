namespace PolicyCuration.Probe;

/// <summary>Exception messages as finding text.</summary>
internal static class ExceptionText
{
    /// <summary>The messages of <paramref name="e"/> and its inner exceptions, deduplicated, outermost first.</summary>
    public static string Reasons(Exception e)
    {
        var messages = new List<string>();
        for (var current = e; current is not null && messages.Count < 4; current = current.InnerException)
        {
            if (!messages.Contains(current.Message))
            {
                messages.Add(current.Message);
            }
        }

        return string.Join(": ", messages);
    }
}
