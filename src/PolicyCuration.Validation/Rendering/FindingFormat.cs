namespace PolicyCuration.Validation.Rendering;

/// <summary>The output formats for findings.</summary>
public enum FindingFormat
{
    /// <summary>One line per finding, <c>file:line:col: severity CODE: message</c>, then a total.</summary>
    Text,

    /// <summary>A JSON array of findings.</summary>
    Json,

    /// <summary>GitHub Actions workflow commands, which become annotations on the file's lines.</summary>
    GitHub,
}
