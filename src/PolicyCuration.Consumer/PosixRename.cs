using System.Runtime.InteropServices;

namespace PolicyCuration.Consumer;

/// <summary>rename(2), for replacing a symbolic link atomically: File.Move refuses a link that points at a directory.</summary>
internal static partial class PosixRename
{
    /// <summary>Renames <paramref name="source"/> over <paramref name="destination"/> in one step.</summary>
    public static void Replace(string source, string destination)
    {
        if (Rename(source, destination) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"rename {source} to {destination}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(string source, string destination);
}
