using OnnxVideo.Media;

namespace OnnxVideo.Models.Zoo;

/// <summary>The <see cref="VideoVit"/> encoder of a captioner: its tokens before pooling (one per tubelet) are the memory.</summary>
internal sealed class VitCaptionEncoder(VideoVitConfig config) : ICaptionEncoder
{
    private readonly VideoVit vit = new(config, VideoCaption.ArchitectureName);

    public string Description => $"video_vit encoder (depth {config.Depth}, width {config.Width})";
    public int DefaultFrames => config.DefaultFrames;
    public int DefaultSize => config.DefaultSize;
    public TensorLayout InputLayout => vit.InputLayout;

    public long[] InputShape(int frames, int size) => vit.InputShape(frames, size);

    public PreprocessingContract DefaultContract(int frames, int size) => vit.DefaultContract(frames, size);

    public long MemoryTokens(int frames, int size)
    {
        config.CheckInput(frames, size);
        return frames / config.Tubelet * (long)(size / config.Patch) * (size / config.Patch);
    }

    public ZooValue EncodeTokens(ZooGraph graph, ZooValue video) => vit.EncodeTokens(graph, video);
}
