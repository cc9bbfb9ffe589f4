using System.Security.Cryptography;

namespace OrtManagedPeer;

/// <summary>The ONNX Runtime file this process really mapped (from /proc/self/maps), so the harness can check it is ours.</summary>
internal static class MappedNativeLibrary
{
    public static (string Path, string Sha256) Find()
    {
        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && Path.GetFileName(fields[5]).StartsWith("libonnxruntime.so", StringComparison.Ordinal))
            .Select(fields => fields[5].Trim())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (mapped.Count != 1)
        {
            throw new InvalidOperationException($"expected one mapped libonnxruntime.so, found {mapped.Count}: {string.Join(", ", mapped)}");
        }

        return (mapped[0], Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(mapped[0]))));
    }
}
