namespace OnnxVideo.Ort;

/// <summary>A loaded ORT library: its file, native handle, version and copied API table.</summary>
internal sealed record LoadedOrtLibrary(string Path, nint Handle, string Version, nint[] Table);
