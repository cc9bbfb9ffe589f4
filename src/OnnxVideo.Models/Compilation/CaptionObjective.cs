using OnnxVideo.Autodiff;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging;
using OnnxVideo.Packaging.Tuning;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Models.Compilation;

/// <summary>
/// The captioner's side of the compiler: a <c>video_caption</c> model (inputs <c>video</c> and <c>tokens</c>, output
/// <c>logits</c> [N, L, V]) trains by teacher forcing against the <c>target_tokens</c> input of every graph, with the
/// label-smoothed cross-entropy averaged over the non-PAD targets; the inference graphs are rebuilt from the model's
/// configuration and weights by the same builders (adapters and prompt tokens: <see cref="CaptionTuning"/>).
/// </summary>
internal static class CaptionObjective
{
    public const string TargetTokens = "target_tokens";

    public static TrainingObjective Create(ModelProto model, GraphProto source, VideoCaptionConfig config, TrainingPackageOptions options, string sourceName)
    {
        var inputs = source.Input.Select(i => i.Name).Order(StringComparer.Ordinal).ToList();
        if (!inputs.SequenceEqual([CaptionNames.Tokens, CaptionNames.Video]))
        {
            throw new TrainingPackageException(sourceName, $"a captioner takes the inputs '{CaptionNames.Video}' and '{CaptionNames.Tokens}' (the model has {string.Join(", ", inputs)})");
        }
        var logits = source.Output.FirstOrDefault(o => o.Name == CaptionNames.Logits);
        var dims = logits?.Type?.TensorType?.Shape?.Dim;
        if (logits is null || dims is not { Count: 3 } || dims[2].DimValue != config.VocabularySize)
        {
            throw new TrainingPackageException(sourceName, $"a captioner's output '{CaptionNames.Logits}' must be [N, L, {config.VocabularySize}] (its vocabulary)");
        }
        if (options.Tuning.Component(TuningKind.Adapter)?.Adapter is { Temporal: true })
        {
            throw new TrainingPackageException(sourceName,
                "temporal adapters (ST-Adapter) are not available for captioners: the decoder's tokens have no frame grid; use adapter without temporal");
        }
        source.Output.Clear();
        source.Output.Add(logits);
        var (video, videoShape, batch) = TrainingGraphCompiler.VideoInput(source, sourceName, CaptionNames.Video);
        var io = new PackageIoNames
        {
            Video = video,
            VideoShape = videoShape,
            Logits = CaptionNames.Logits,
            Tokens = CaptionNames.Tokens,
            TargetTokens = TargetTokens,
        };
        var smoothing = options.LabelSmoothing;
        return new TrainingObjective(io, config.VocabularySize, (builder, _) => AddLoss(builder, io, batch, smoothing))
        {
            Caption = InferenceGraphs(model, config, videoShape, sourceName),
            Sites = CaptionTuning.Sites(config),
        };
    }

    private static string AddLoss(GraphBuilder builder, PackageIoNames io, Dim batch, float labelSmoothing)
    {
        var targets = builder.Input(io.TargetTokens!, DataType.Int64, batch, "L");
        var loss = Losses.MaskedTokenCrossEntropy(builder, io.Logits, targets, VideoCaptionConfig.Pad, labelSmoothing);
        TrainingGraphCompiler.ExposeAs(builder, loss, io.Loss);
        builder.Output(io.Loss, DataType.Float);
        return io.Loss;
    }

    private static CaptionGraphs InferenceGraphs(ModelProto model, VideoCaptionConfig config, string[] videoShape, string sourceName)
    {
        var architecture = new VideoCaption(config);
        var ntchw = architecture.Encoder.InputLayout == Media.TensorLayout.NTCHW;
        if (videoShape.Length != 5 || !int.TryParse(videoShape[ntchw ? 1 : 2], out var frames) || !int.TryParse(videoShape[3], out var size))
        {
            throw new TrainingPackageException(sourceName, $"a captioner's video input must be {(ntchw ? "[N, T, 3, S, S]" : "[N, 3, T, S, S]")} with fixed T and S (got [{string.Join(", ", videoShape)}])");
        }
        var weights = new InitializerParameterSource(model.Graph.Initializer, sourceName);
        var memoryTokens = architecture.MemoryTokens(frames, size);
        return new CaptionGraphs(config,
            architecture.BuildEncoder(weights, frames, size),
            architecture.BuildDecoder(weights, memoryTokens),
            architecture.BuildDecoderMemory(weights, memoryTokens),
            architecture.BuildDecoderStep(weights, memoryTokens),
            memoryTokens);
    }
}
