using OnnxVideo.Media;
using OnnxVideo.Ort;

namespace OnnxVideo.Runtime;

/// <summary>Settings of a <see cref="VideoCaptioner"/>.</summary>
public sealed class VideoCaptionerOptions
{
    /// <summary>cpu, cuda, tensorrt or auto.</summary>
    public ExecutionProvider Device { get; set; } = ExecutionProvider.Cpu;
    /// <summary>ONNX Runtime intra-op threads per session (0 = ORT's default).</summary>
    public int IntraOpThreads { get; set; }
    /// <summary>Most clips decoded together (each beam of each clip is one row of a decoder run).</summary>
    public int MaxBatchSize { get; set; } = 16;
    /// <summary>How videos are read (ffmpeg, timeouts, padding of short videos).</summary>
    public MediaOptions Media { get; set; } = new();
}
