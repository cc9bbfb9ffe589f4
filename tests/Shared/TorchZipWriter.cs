using System.IO.Compression;

namespace OnnxVideo.Testing;

/// <summary>Writes a zip in torch.save's layout (<c>archive/data.pkl</c>, <c>archive/data/KEY</c>), or any entries given.</summary>
public static class TorchZipWriter
{
    public static void Write(string path, byte[] pickle, IReadOnlyDictionary<string, byte[]>? storages = null) =>
        WriteEntries(path, CompressionLevel.NoCompression,
            [("archive/data.pkl", pickle), .. (storages ?? new Dictionary<string, byte[]>()).Select(s => ($"archive/data/{s.Key}", s.Value)), ("archive/version", "3\n"u8.ToArray())]);

    public static void WriteEntries(string path, CompressionLevel level, IEnumerable<(string Name, byte[] Data)> entries)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            using var stream = zip.CreateEntry(name, level).Open();
            stream.Write(data);
        }
    }

    /// <summary>Float32 values as the little-endian bytes of a storage.</summary>
    public static byte[] Floats(params float[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
