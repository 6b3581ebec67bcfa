using System.Runtime.InteropServices;

namespace PolicyCuration.Consumer;

/// <summary>
/// Refuses a directory someone else could write to: the consumer runs as root, and another user who can write where
/// it writes can swap a file for a link to anything.
/// </summary>
internal static partial class SafeDirectory
{
    private const int AtCurrentDirectory = -100;
    private const int AtNoFollow = 0x100;
    private const uint BasicStats = 0x7ff;

    /// <summary>Refuses <paramref name="directory"/> (when it exists) if a user other than this one or root owns it, or group or others may write to it.</summary>
    /// <exception cref="StateException"><c>state.unsafe_directory</c>.</exception>
    public static void Check(string directory, string what)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists(directory))
        {
            return;
        }

        // statx's layout is the same on every architecture: uid at 20, mode at 28.
        var buffer = new byte[256];
        if (Statx(AtCurrentDirectory, directory, AtNoFollow, BasicStats, buffer) != 0)
        {
            throw new StateException(StateFindingKinds.UnsafeDirectory, $"{what} {directory}: cannot be examined ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())})");
        }

        uint owner = BitConverter.ToUInt32(buffer, 20);
        int mode = BitConverter.ToUInt16(buffer, 28) & 0xfff;
        uint self = GetEffectiveUserId();
        if (owner != self && owner != 0)
        {
            throw new StateException(StateFindingKinds.UnsafeDirectory, $"{what} {directory} belongs to user {owner}, who could replace what is written there: use a directory of this user's ({self}) or root's");
        }

        if ((mode & 0x12) != 0)
        {
            throw new StateException(StateFindingKinds.UnsafeDirectory, $"{what} {directory} is writable by other users (mode {Convert.ToString(mode, 8)}): run 'chmod go-w {directory}', or choose another");
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, byte[] buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
