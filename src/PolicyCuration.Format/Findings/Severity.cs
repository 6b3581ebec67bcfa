namespace PolicyCuration.Format.Findings;

/// <summary>How much a finding matters: errors block, warnings and information do not.</summary>
public enum Severity
{
    /// <summary>Blocks: the list must not be merged or released with it.</summary>
    Error,

    /// <summary>Worth fixing; does not block.</summary>
    Warning,

    /// <summary>For the reader's knowledge only.</summary>
    Info,
}
