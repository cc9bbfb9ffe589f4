namespace OnnxVideo.Onnx.Files;

/// <summary>What a path names once symbolic links are followed.</summary>
internal enum FileKind
{
    Missing,
    RegularFile,
    Directory,
    /// <summary>A FIFO, socket, character or block device: opening or reading it can block or never end.</summary>
    Special,
}
