using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff;

/// <summary>Loss functions appended to a graph as ordinary differentiable ONNX nodes.</summary>
internal static class Losses
{
    /// <summary>
    /// Mean over the batch of the cross-entropy between softmax(<paramref name="logits"/>) [N, C] and integer
    /// <paramref name="labels"/> [N], with label smoothing ε: target = (1 − ε)·onehot + ε / C (as PyTorch's
    /// CrossEntropyLoss(label_smoothing=ε)). Returns the scalar loss value.
    /// </summary>
    public static string SoftmaxCrossEntropy(GraphBuilder g, string logits, string labels, float labelSmoothing)
    {
        if (labelSmoothing is < 0f or > 1f) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1]");
        var shapes = ShapeInference.Run(g.Graph);
        var type = shapes.ElemTypeOf(logits) is var t && t != TensorProto.Types.DataType.Undefined ? t : TensorProto.Types.DataType.Float;
        var logProbabilities = g.Node("LogSoftmax", [logits], new Dictionary<string, object> { ["axis"] = -1L }, name: "loss_log_softmax");
        var labels64 = shapes.ElemTypeOf(labels) == TensorProto.Types.DataType.Int64 ? labels
            : g.Node("Cast", [labels], new Dictionary<string, object> { ["to"] = (long)TensorProto.Types.DataType.Int64 }, name: "loss_labels_int64");
        var classCount = g.Node("Gather", [g.Node("Shape", [logits], name: "loss_logits_shape"), Int64Scalar(g, 1)], name: "loss_class_count");
        var classes = g.Node("Range", [Int64Scalar(g, 0), classCount, Int64Scalar(g, 1)], name: "loss_classes");
        var labelColumn = g.Node("Unsqueeze", [labels64, Initializers.Int64s(g, "loss_axes", 1)], name: "loss_labels_column");
        var target = g.Node("Cast", [g.Node("Equal", [labelColumn, classes], name: "loss_one_hot")],
            new Dictionary<string, object> { ["to"] = (long)type }, name: "loss_target");
        return CrossEntropyWithTargets(g, logProbabilities, target, classCount, labelSmoothing, type);
    }

    /// <summary>
    /// Mean over the batch of the cross-entropy between softmax(<paramref name="logits"/>) [N, C] and soft targets
    /// <paramref name="targets"/> [N, C] (rows of class probabilities, as mixup and cutmix make them), with label
    /// smoothing ε applied to the targets: target = (1 − ε)·targets + ε / C (timm's mixup_target followed by
    /// SoftTargetCrossEntropy). One-hot targets give <see cref="SoftmaxCrossEntropy"/>'s loss. Returns the scalar loss.
    /// </summary>
    public static string SoftTargetCrossEntropy(GraphBuilder g, string logits, string targets, float labelSmoothing)
    {
        if (labelSmoothing is < 0f or > 1f) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1]");
        var shapes = ShapeInference.Run(g.Graph);
        var type = shapes.ElemTypeOf(logits) is var t && t != TensorProto.Types.DataType.Undefined ? t : TensorProto.Types.DataType.Float;
        var logProbabilities = g.Node("LogSoftmax", [logits], new Dictionary<string, object> { ["axis"] = -1L }, name: "loss_log_softmax");
        var classCount = g.Node("Gather", [g.Node("Shape", [logits], name: "loss_logits_shape"), Int64Scalar(g, 1)], name: "loss_class_count");
        var target = shapes.ElemTypeOf(targets) == type ? targets
            : g.Node("Cast", [targets], new Dictionary<string, object> { ["to"] = (long)type }, name: "loss_targets_cast");
        return CrossEntropyWithTargets(g, logProbabilities, target, classCount, labelSmoothing, type);
    }

    /// <summary>−mean over the batch of Σ_c target·log p, the target smoothed by ε first.</summary>
    private static string CrossEntropyWithTargets(GraphBuilder g, string logProbabilities, string target, string classCount,
        float labelSmoothing, TensorProto.Types.DataType type)
    {
        target = Smooth(g, target, classCount, labelSmoothing, type);
        var perExample = g.Node("ReduceSum", [g.Node("Mul", [target, logProbabilities], name: "loss_target_log_probability"), Initializers.Int64s(g, "loss_axes", 1)],
            new Dictionary<string, object> { ["keepdims"] = 0L }, name: "loss_per_example");
        var mean = g.Node("ReduceMean", [perExample], new Dictionary<string, object> { ["keepdims"] = 0L }, name: "loss_mean");
        return g.Node("Neg", [mean], name: "loss");
    }

    /// <summary>
    /// Mean over the target tokens that are not <paramref name="pad"/> of the cross-entropy between softmax(<paramref name="logits"/>)
    /// [N, L, V] and the int64 <paramref name="targets"/> [N, L], the one-hot target smoothed by ε (as PyTorch's
    /// CrossEntropyLoss(ignore_index=pad, label_smoothing=ε) on the flattened tokens; 0 when every target is padding).
    /// </summary>
    public static string MaskedTokenCrossEntropy(GraphBuilder g, string logits, string targets, long pad, float labelSmoothing)
    {
        if (labelSmoothing is < 0f or > 1f) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1]");
        const TensorProto.Types.DataType type = TensorProto.Types.DataType.Float;
        var logProbabilities = g.Node("LogSoftmax", [logits], new Dictionary<string, object> { ["axis"] = -1L }, name: "loss_log_softmax");
        var classCount = g.Node("Gather", [g.Node("Shape", [logits], name: "loss_logits_shape"), Int64Scalar(g, 2)], name: "loss_class_count");
        var classes = g.Node("Range", [Int64Scalar(g, 0), classCount, Int64Scalar(g, 1)], name: "loss_classes");
        var column = g.Node("Unsqueeze", [targets, Initializers.Int64s(g, "loss_axes", 2)], name: "loss_targets_column");
        var target = Smooth(g, g.Node("Cast", [g.Node("Equal", [column, classes], name: "loss_one_hot")],
            new Dictionary<string, object> { ["to"] = (long)type }, name: "loss_target"), classCount, labelSmoothing, type);
        var perToken = g.Node("ReduceSum", [g.Node("Mul", [target, logProbabilities], name: "loss_target_log_probability"), Initializers.Int64s(g, "loss_axes", 2)],
            new Dictionary<string, object> { ["keepdims"] = 0L }, name: "loss_per_token");
        var isPad = g.Node("Equal", [targets, Initializers.Int64Scalar(g, "loss_pad", pad)], name: "loss_is_pad");
        var weight = g.Node("Cast", [g.Node("Not", [isPad], name: "loss_not_pad")], new Dictionary<string, object> { ["to"] = (long)type }, name: "loss_token_weight");
        var everyAxis = Initializers.Int64s(g, "loss_axes", 0, 1);
        var total = g.Node("ReduceSum", [g.Node("Mul", [perToken, weight], name: "loss_weighted"), everyAxis],
            new Dictionary<string, object> { ["keepdims"] = 0L }, name: "loss_total");
        var count = g.Node("Max", [g.Node("ReduceSum", [weight, everyAxis], new Dictionary<string, object> { ["keepdims"] = 0L }, name: "loss_token_count"),
            Scalar(g, 1, type)], name: "loss_token_count_at_least_one");
        return g.Node("Neg", [g.Node("Div", [total, count], name: "loss_mean")], name: "loss");
    }

    /// <summary>(1 − ε)·target + ε / C; the target itself when ε = 0.</summary>
    private static string Smooth(GraphBuilder g, string target, string classCount, float labelSmoothing, TensorProto.Types.DataType type)
    {
        if (labelSmoothing <= 0f)
        {
            return target;
        }
        var smoothing = g.Node("Div", [Scalar(g, labelSmoothing, type), g.Node("Cast", [classCount], new Dictionary<string, object> { ["to"] = (long)type }, name: "loss_class_count_float")], name: "loss_smoothing_share");
        return g.Node("Add", [g.Node("Mul", [target, Scalar(g, 1 - labelSmoothing, type)], name: "loss_target_scaled"), smoothing], name: "loss_target_smoothed");
    }

    /// <summary>Mean over all elements of (predictions − targets)². Returns the scalar loss value.</summary>
    public static string MeanSquaredError(GraphBuilder g, string predictions, string targets)
    {
        var difference = g.Node("Sub", [predictions, targets], name: "loss_difference");
        var squared = g.Node("Mul", [difference, difference], name: "loss_squared");
        return g.Node("ReduceMean", [squared], new Dictionary<string, object> { ["keepdims"] = 0L }, name: "loss");
    }

    private static string Int64Scalar(GraphBuilder g, long value)
        => Initializers.Int64Scalar(g, "loss_int", value);

    private static string Scalar(GraphBuilder g, double value, TensorProto.Types.DataType type) =>
        Initializers.Add(g, ConstantTensors.Scalar("", value, type, rankZero: true), "loss_const");
}
