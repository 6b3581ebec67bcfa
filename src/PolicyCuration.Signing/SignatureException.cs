namespace PolicyCuration.Signing;

/// <summary>A key or signature that cannot be read, or a signature that does not verify; the message says which and why.</summary>
public sealed class SignatureException : Exception
{
    /// <summary>A failure with its reason.</summary>
    public SignatureException(string message)
        : base(message)
    {
    }

    /// <summary>A failure with its reason and cause.</summary>
    public SignatureException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
