using System.Runtime.InteropServices;

namespace PolicyCuration.Consumer.Socketmap;

/// <summary>Who may connect to the Unix socket: its owner and one group (Postfix's), mode 0660.</summary>
internal static partial class SocketGroup
{
    /// <summary>The group Postfix's processes run in on every packaged Postfix.</summary>
    public const string Default = "postfix";

    /// <summary>Gives the socket at <paramref name="path"/> to <paramref name="group"/>, mode 0660.</summary>
    /// <exception cref="IOException">No such group, or the server may not give the socket to it.</exception>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static void Apply(string path, string group)
    {
        int gid = IdOf(group) ?? throw new IOException(
            $"--socket-group {group}: no such group in /etc/group; give the group Postfix's smtp processes run in");
        if (Chown(path, -1, gid) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"--socket-group {group}: cannot give {path} to the group ({Marshal.GetPInvokeErrorMessage(errno)}); run as root, or as a member of {group} (systemd: SupplementaryGroups={group})");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
    }

    // /etc/group: name:password:gid:members, one group a line.
    private static int? IdOf(string group)
    {
        foreach (string line in File.ReadLines("/etc/group"))
        {
            string[] fields = line.Split(':');
            if (fields.Length >= 3 && fields[0] == group && int.TryParse(fields[2], out int gid))
            {
                return gid;
            }
        }

        return null;
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, int owner, int group);
}
