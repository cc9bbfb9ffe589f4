using System.Buffers.Binary;

namespace OnnxVideo.Media.Tests;

/// <summary>
/// Small videos synthesized once per test run. "Counting" videos encode the frame number n in every pixel:
/// R = 8n, G = 255 − 8n, B = 128, so a decoded pixel tells which frame it came from (n = round(R / 8)).
/// </summary>
public sealed class TestVideos : IDisposable
{
    public const int Width = 64;
    public const int Height = 48;
    private const string Counting = "color=black:s=64x48:r=30:d=1,format=rgb24,geq=r='N*8':g='255-N*8':b='128'";

    public TestVideos()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("onnxvideo-media-tests-").FullName;
        var jobs = new List<Action>
        {
            () => Make(H264Mp4 = P("h264.mp4"), "-f", "lavfi", "-i", Counting, "-c:v", "libx264", "-pix_fmt", "yuv420p"),
            () => Make(H264Ts = P("h264.ts"), "-f", "lavfi", "-i", Counting, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mpegts"),
            () => Make(Vp9Webm = P("vp9.webm"), "-f", "lavfi", "-i", Counting, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M"),
            () => Make(Mpeg4Avi = P("mpeg4.avi"), "-f", "lavfi", "-i", Counting, "-c:v", "mpeg4", "-q:v", "2"),
            () => Make(MjpegMkv = P("mjpeg.mkv"), "-f", "lavfi", "-i", Counting, "-c:v", "mjpeg", "-q:v", "2"),
            () => Make(HevcMp4 = P("hevc.mp4"), "-f", "lavfi", "-i", Counting, "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-tag:v", "hvc1"),
            () => Make(TenBitMp4 = P("ten-bit.mp4"), "-f", "lavfi", "-i", Counting, "-c:v", "libx264", "-pix_fmt", "yuv420p10le"),
            () => Make(GrayMp4 = P("gray.mp4"), "-f", "lavfi", "-i", "color=black:s=64x48:r=30:d=1,format=gray,geq=lum='N*8'",
                "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-pix_fmt", "gray"),
            () => Make(ThreeFrameMp4 = P("three-frames.mp4"), "-f", "lavfi", "-i", Counting, "-frames:v", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p"),
            // Left half red, right half blue, stored 64x48; a display matrix is added by remuxing (encoding drops it).
            () =>
            {
                var plain = P("unrotated.mp4");
                Make(plain, "-f", "lavfi", "-i",
                    "color=black:s=64x48:r=30:d=1,format=rgb24,geq=r='if(lt(X,32),255,0)':g='0':b='if(lt(X,32),0,255)'",
                    "-c:v", "libx264", "-pix_fmt", "yuv444p");
                Make(RotatedMp4 = P("rotated.mp4"), "-i", plain, "-c", "copy", "-metadata:s:v", "rotate=90");
            },
            // Frames 0..29 every 1/30 s, then frames 30..39 every 1/10 s (ends at 2 s).
            () => Make(VariableRateMp4 = P("vfr.mp4"), "-f", "lavfi", "-i",
                "color=black:s=64x48:r=30:d=1.34,format=rgb24,geq=r='N*6':g='255-N*6':b='128'",
                "-vf", "setpts='if(lt(N,30),N/30,1+(N-30)/10)/TB'", "-fps_mode", "vfr", "-frames:v", "40", "-c:v", "libx264", "-pix_fmt", "yuv420p"),
            // 2 s of noise (so the media data is spread over the file): plain, moov-first, and Matroska.
            () =>
            {
                string[] noise = ["-f", "lavfi", "-i", "color=gray:s=64x48:r=30:d=2,noise=alls=60:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];
                Make(NoiseMp4 = P("noise.mp4"), noise);
                Make(P("faststart.mp4"), [.. noise, "-movflags", "+faststart"]);
                Make(P("noise.mkv"), noise);
            },
            () => HugeAvi = MakeHugeAvi(),
            () => Make(AudioOnlyM4a = P("audio-only.mp4"), "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac"),
            () =>
            {
                FrameFolder = P("frames");
                System.IO.Directory.CreateDirectory(FrameFolder);
                Make(Path.Combine(FrameFolder, "img_%d.png"), "-f", "lavfi", "-i", Counting, "-start_number", "1");
            },
        };
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = 2 }, job => job());
    }

    public string Directory { get; }
    public string H264Mp4 { get; private set; } = "";
    /// <summary>MPEG-TS: its first frame is not at time 0 (ffmpeg starts TS at 1.4 s).</summary>
    public string H264Ts { get; private set; } = "";
    public string Vp9Webm { get; private set; } = "";
    public string Mpeg4Avi { get; private set; } = "";
    public string MjpegMkv { get; private set; } = "";
    public string HevcMp4 { get; private set; } = "";
    public string TenBitMp4 { get; private set; } = "";
    public string GrayMp4 { get; private set; } = "";
    public string ThreeFrameMp4 { get; private set; } = "";
    public string RotatedMp4 { get; private set; } = "";
    public string VariableRateMp4 { get; private set; } = "";
    public string AudioOnlyM4a { get; private set; } = "";
    public string NoiseMp4 { get; private set; } = "";
    /// <summary>An mjpeg AVI whose headers and JPEG frames declare 16000x12000 (the real data is 64x48).</summary>
    public string HugeAvi { get; private set; } = "";
    public string FrameFolder { get; private set; } = "";

    public string P(string name) => Path.Combine(Directory, name);

    private string MakeHugeAvi()
    {
        var small = P("small.avi");
        Make(small, "-f", "lavfi", "-i", "color=red:s=64x48:r=25:d=0.2", "-c:v", "mjpeg");
        var bytes = File.ReadAllBytes(small);
        const int w = 16000, h = 12000;
        var avih = IndexOf(bytes, "avih"u8, 0) + 8 + 8 * 4; // dwWidth, dwHeight follow 8 DWORDs
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(avih), w);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(avih + 4), h);
        var strf = IndexOf(bytes, "strf"u8, 0) + 8 + 4; // BITMAPINFOHEADER biWidth, biHeight
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(strf), w);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(strf + 4), h);
        for (var at = IndexOf(bytes, [0xFF, 0xC0], 0); at >= 0; at = IndexOf(bytes, [0xFF, 0xC0], at + 2))
        {
            // JPEG SOF0: marker, length (2), precision (1), height (2), width (2), big-endian.
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at + 5), h);
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at + 7), w);
        }
        var path = P("huge.avi");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> what, int from)
    {
        var i = bytes.AsSpan(from).IndexOf(what);
        return i < 0 ? -1 : from + i;
    }

    private static void Make(string output, params string[] arguments) => FfmpegTools.Write([.. arguments, output]);

    /// <summary>The frame number a counting-video pixel encodes (R = step·n, G = 255 − step·n; both averaged to halve
    /// the codec's error).</summary>
    public static int FrameNumberOf(ReadOnlySpan<byte> rgb, int step = 8) =>
        (int)Math.Round((rgb[0] + 255 - rgb[1]) / (2.0 * step));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
