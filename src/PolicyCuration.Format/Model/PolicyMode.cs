namespace PolicyCuration.Format.Model;

/// <summary>How strictly senders apply a policy.</summary>
public enum PolicyMode
{
    /// <summary>Report failures but deliver anyway (<c>"testing"</c>).</summary>
    Testing,

    /// <summary>Refuse to deliver without STARTTLS and a matching certificate (<c>"enforce"</c>).</summary>
    Enforce,
}

/// <summary>The spelling of modes in the list.</summary>
public static class PolicyModeNames
{
    /// <summary>The JSON name of a mode.</summary>
    public static string ToJson(this PolicyMode mode) => mode == PolicyMode.Enforce ? "enforce" : "testing";

    /// <summary>Parses a JSON mode name, exactly as spelled in the format.</summary>
    public static PolicyMode? Parse(string text) => text switch
    {
        "testing" => PolicyMode.Testing,
        "enforce" => PolicyMode.Enforce,
        _ => null,
    };
}
