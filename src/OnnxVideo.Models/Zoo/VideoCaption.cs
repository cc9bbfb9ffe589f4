using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// <c>video_caption</c>: an <see cref="ICaptionEncoder"/> (the <see cref="VideoVit"/> encoder, or a 3-D CNN's last
/// feature map as tokens; its tokens, LayerNorm-ed, are the memory) and the <see cref="CaptionDecoder"/>.
/// <see cref="BuildTraining"/> gives the teacher-forcing model (<c>video</c> in the encoder's layout,
/// <c>tokens</c> int64 [N, L] → <c>logits</c> [N, L, V]) that <c>onnxvideo-export create</c> writes and the package
/// compiler compiles; <see cref="BuildEncoder"/>, <see cref="BuildDecoder"/> and <see cref="BuildDecoderStep"/> give the
/// inference graphs from the same builders, weights as initializers under the same names.
/// </summary>
internal sealed class VideoCaption
{
    public const string ArchitectureName = "video_caption";

    public VideoCaption(VideoCaptionConfig config)
    {
        config.Validate();
        Config = config;
        Encoder = config.CnnEncoder is { } cnn ? new CnnCaptionEncoder(cnn) : new VitCaptionEncoder(config.Encoder!);
        Decoder = new CaptionDecoder(config);
    }

    public VideoCaptionConfig Config { get; }
    public ICaptionEncoder Encoder { get; }
    public CaptionDecoder Decoder { get; }

    public string Description =>
        $"{Encoder.Description} + transformer decoder ({Config.Layers} layers, {Config.Heads} heads, vocabulary {Config.VocabularySize}, max length {Config.MaxLength}{(Config.TieEmbeddings ? ", tied embeddings" : "")}), {Encoder.InputLayout} video + tokens → logits [N, L, V]";

    /// <summary>Memory tokens per clip of <paramref name="frames"/> × <paramref name="size"/>².</summary>
    public long MemoryTokens(int frames, int size) => Encoder.MemoryTokens(frames, size);

    public PreprocessingContract DefaultContract(int frames, int size) => Encoder.DefaultContract(frames, size);

    public ModelProto BuildTraining(IZooParameterSource? parameters, int frames, int size, out ZooGraph graph)
    {
        var builder = new GraphBuilder(ArchitectureName);
        graph = new ZooGraph(builder, parameters);
        var memory = Memory(graph, frames, size);
        builder.Input(CaptionNames.Tokens, DataType.Int64, "N", "L");
        var logits = Decoder.Logits(graph, memory, MemoryTokens(frames, size), CaptionNames.Tokens, CaptionNames.Logits);
        builder.Output(logits, DataType.Float, "N", "L", Config.VocabularySize);
        return Finish(builder);
    }

    /// <summary>encoder.onnx: <c>video</c> → <c>memory</c> [N, S, D].</summary>
    public ModelProto BuildEncoder(IZooParameterSource parameters, int frames, int size)
    {
        var builder = new GraphBuilder(ArchitectureName + ".encoder");
        var memory = Memory(new ZooGraph(builder, parameters), frames, size);
        builder.Output(memory, DataType.Float, "N", MemoryTokens(frames, size), Config.Width);
        return Finish(builder);
    }

    /// <summary>decoder.onnx: <c>memory</c>, <c>tokens</c> [N, L] → <c>logits</c> [N, L, V].</summary>
    public ModelProto BuildDecoder(IZooParameterSource parameters, long memoryTokens)
    {
        var builder = new GraphBuilder(ArchitectureName + ".decoder");
        var graph = new ZooGraph(builder, parameters);
        builder.Input(CaptionNames.Memory, DataType.Float, "N", memoryTokens, Config.Width);
        builder.Input(CaptionNames.Tokens, DataType.Int64, "N", "L");
        var logits = Decoder.Logits(graph, CaptionNames.Memory, memoryTokens, CaptionNames.Tokens, CaptionNames.Logits);
        builder.Output(logits, DataType.Float, "N", "L", Config.VocabularySize);
        return Finish(builder);
    }

    /// <summary>decoder_memory.onnx: <c>memory</c> [N, S, D] → memory_key_i / memory_value_i [N, H, S, Dh], each layer's cross-attention keys and values.</summary>
    public ModelProto BuildDecoderMemory(IZooParameterSource parameters, long memoryTokens)
    {
        var builder = new GraphBuilder(ArchitectureName + ".decoder_memory");
        var graph = new ZooGraph(builder, parameters);
        builder.Input(CaptionNames.Memory, DataType.Float, "N", memoryTokens, Config.Width);
        for (var i = 0; i < Config.Layers; i++)
        {
            var (key, value) = Decoder.CrossKeyValue(graph, CaptionNames.Memory, memoryTokens, i);
            GraphRewrites.RenameValue(builder.Graph, key, CaptionNames.MemoryKey(i));
            GraphRewrites.RenameValue(builder.Graph, value, CaptionNames.MemoryValue(i));
            builder.Output(CaptionNames.MemoryKey(i), DataType.Float, "N", Config.Heads, memoryTokens, Config.HeadWidth);
            builder.Output(CaptionNames.MemoryValue(i), DataType.Float, "N", Config.Heads, memoryTokens, Config.HeadWidth);
        }
        return Finish(builder);
    }

    /// <summary>
    /// decoder_step.onnx: memory_key_i / memory_value_i [N, H, S, Dh] (from decoder_memory.onnx), <c>token</c> int64
    /// [N, 1], <c>position</c> int64 [1] and past_key_i / past_value_i [N, H, P, Dh] → <c>logits</c> [N, V] and
    /// present_key_i / present_value_i [N, H, P+1, Dh].
    /// </summary>
    public ModelProto BuildDecoderStep(IZooParameterSource parameters, long memoryTokens)
    {
        var builder = new GraphBuilder(ArchitectureName + ".decoder_step");
        var graph = new ZooGraph(builder, parameters);
        var memory = new List<(string Key, string Value)>();
        for (var i = 0; i < Config.Layers; i++)
        {
            memory.Add((builder.Input(CaptionNames.MemoryKey(i), DataType.Float, "N", Config.Heads, memoryTokens, Config.HeadWidth),
                builder.Input(CaptionNames.MemoryValue(i), DataType.Float, "N", Config.Heads, memoryTokens, Config.HeadWidth)));
        }
        builder.Input(CaptionNames.Token, DataType.Int64, "N", 1);
        builder.Input(CaptionNames.Position, DataType.Int64, 1);
        var caches = new List<CaptionDecoder.LayerCache>();
        for (var i = 0; i < Config.Layers; i++)
        {
            caches.Add(new CaptionDecoder.LayerCache(
                builder.Input(CaptionNames.PastKey(i), DataType.Float, "N", Config.Heads, "P", Config.HeadWidth),
                builder.Input(CaptionNames.PastValue(i), DataType.Float, "N", Config.Heads, "P", Config.HeadWidth)));
        }
        var logits = Decoder.Step(graph, memory, CaptionNames.Token, CaptionNames.Position, caches, CaptionNames.Logits);
        builder.Output(logits, DataType.Float, "N", Config.VocabularySize);
        for (var i = 0; i < Config.Layers; i++)
        {
            GraphRewrites.RenameValue(builder.Graph, caches[i].PresentKey!, CaptionNames.PresentKey(i));
            GraphRewrites.RenameValue(builder.Graph, caches[i].PresentValue!, CaptionNames.PresentValue(i));
            builder.Output(CaptionNames.PresentKey(i), DataType.Float, "N", Config.Heads, "P1", Config.HeadWidth);
            builder.Output(CaptionNames.PresentValue(i), DataType.Float, "N", Config.Heads, "P1", Config.HeadWidth);
        }
        return Finish(builder);
    }

    /// <summary>The normalised encoder tokens, as the value <c>memory</c>.</summary>
    private string Memory(ZooGraph graph, int frames, int size)
    {
        var sample = Encoder.InputShape(frames, size);
        graph.Builder.Input(CaptionNames.Video, DataType.Float, [(Dim)"N", .. sample.Select(d => (Dim)d)]);
        var tokens = Encoder.EncodeTokens(graph, new ZooValue(CaptionNames.Video, sample));
        return TransformerOps.LayerNorm(graph, tokens.Name, CaptionNames.MemoryNorm, Config.Width, Config.LayerNormEpsilon, CaptionNames.Memory);
    }

    private ModelProto Finish(GraphBuilder builder)
    {
        var model = OnnxModels.Create(builder.Graph, ModelZoo.Opset);
        ModelMetadata.Set(model, VideoCaptionConfig.MetadataKey, Config.ToJson());
        return model;
    }
}
