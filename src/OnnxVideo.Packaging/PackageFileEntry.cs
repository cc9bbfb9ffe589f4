namespace OnnxVideo.Packaging;

/// <summary>A file of a training package (path relative to the package folder) with its size and SHA-256 (hex).</summary>
internal sealed record PackageFileEntry(string Path, long Bytes, string Sha256);
