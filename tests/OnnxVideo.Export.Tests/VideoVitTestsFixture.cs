using System.Text.Json;
using OnnxVideo.Models.Zoo;

namespace OnnxVideo.Export.Tests;

/// <summary>Runs Reference/video_vit_reference.py once for both poolings of the small test configuration.</summary>
public sealed class VideoVitTestsFixture : IDisposable
{
    public const int Classes = 5;
    public const int Batch = 2;

    public VideoVitTestsFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "onnxvideo-vit-" + Guid.NewGuid().ToString("N"));
        var configs = new[] { VideoVitPooling.Mean, VideoVitPooling.Cls }.Select(pooling => JsonSerializer.Serialize(new
        {
            name = pooling.ToString(),
            depth = 2, width = 64, heads = 4, mlp = 256, frames = 4, size = 32, tubelet = 2, patch = 8,
            classes = Classes, batch = Batch,
            pooling = pooling == VideoVitPooling.Mean ? "mean" : "cls",
        }));
        ImportTestsFixture.RunPython(ImportTestsFixture.Script("video_vit_reference.py"), [Directory, .. configs]);
    }

    public string Directory { get; }

    internal string Reference(VideoVitPooling pooling, string file) => Path.Combine(Directory, pooling.ToString(), file);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
