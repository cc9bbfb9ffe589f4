namespace OnnxVideo.Testing;

/// <summary>
/// Small synthetic videos (made once per test run with ffmpeg) and the tiny model, shared by the tests: good videos of
/// different content and sizes, and bad inputs of every kind the classifier must report per item.
/// </summary>
public sealed class VideoFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public VideoFixture()
    {
        ModelPath = TinyVideoModel.Write(_dir.File("tiny.onnx"), TinyVideoModel.Contract);
        BareModelPath = TinyVideoModel.Write(_dir.File("bare.onnx"), contractInMetadata: null);
        var good = Directory.CreateDirectory(_dir.File("good")).FullName;
        Good =
        [
            FfmpegTools.Synthesize(Path.Combine(good, "a_testsrc.mp4"), "testsrc=size=96x64:rate=10", 2),
            FfmpegTools.Synthesize(Path.Combine(good, "b_testsrc2.mp4"), "testsrc2=size=64x80:rate=12", 1.5),
            FfmpegTools.Synthesize(Path.Combine(good, "c_mandelbrot.mp4"), "mandelbrot=size=80x60:rate=10", 2),
            FfmpegTools.Synthesize(Path.Combine(good, "d_smpte.mp4"), "smptebars=size=72x48:rate=8", 1),
        ];
        LongVideo = FfmpegTools.Synthesize(_dir.File("long.mp4"), "testsrc2=size=64x48:rate=10", 6);
        var mixed = Directory.CreateDirectory(_dir.File("mixed")).FullName;
        foreach (var file in Good)
        {
            System.IO.File.Copy(file, Path.Combine(mixed, Path.GetFileName(file)));
        }
        FfmpegTools.Synthesize(Path.Combine(mixed, "short.mp4"), "testsrc=size=64x48:rate=10", 0.2);
        System.IO.File.WriteAllBytes(Path.Combine(mixed, "empty.mp4"), []);
        System.IO.File.WriteAllBytes(Path.Combine(mixed, "garbage.mp4"), Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        var whole = System.IO.File.ReadAllBytes(Good[0]);
        System.IO.File.WriteAllBytes(Path.Combine(mixed, "truncated.mp4"), whole[..(whole.Length / 3)]);
        FfmpegTools.Write("-f", "lavfi", "-i", "sine=frequency=440:duration=1",
            "-c:a", "aac", "-f", "mp4", Path.Combine(mixed, "audio_only.mp4"));
        MixedFolder = mixed;
    }

    public string ModelPath { get; }
    public string BareModelPath { get; }
    public string[] Good { get; }
    public string LongVideo { get; }
    public string MixedFolder { get; }

    public string File(string name) => _dir.File(name);

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class VideoCollection : ICollectionFixture<VideoFixture>
{
    public const string Name = "videos";
}
