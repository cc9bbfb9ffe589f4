using OnnxVideo.Autodiff.Fused;
using OnnxVideo.Autodiff.Rules;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff;

/// <summary>
/// The one table of gradient rules: op type (default ONNX domain) → backward function, or "not differentiable".
/// A new differentiable op is one line here plus one row in the gradient-check test table.
/// </summary>
internal static class GradientRegistry
{
    private static readonly GradientRule[] Table =
    [
        // Arithmetic with broadcasting and pointwise functions (Rules/ElementwiseRules.cs, Rules/ExtraActivationRules.cs).
        // Softmax/LogSoftmax follow opset ≥ 13 semantics (one axis); backward nodes use opset-13+ forms (axes as inputs).
        new("Add", ElementwiseRules.Add),
        new("Sub", ElementwiseRules.Sub),
        new("Mul", ElementwiseRules.Mul),
        new("Div", ElementwiseRules.Div),
        new("Pow", ElementwiseRules.Pow),
        new("Neg", ElementwiseRules.Neg),
        new("Sqrt", ElementwiseRules.Sqrt),
        new("Exp", ElementwiseRules.Exp),
        new("Log", ElementwiseRules.Log),
        new("Relu", ElementwiseRules.Relu),
        new("Sigmoid", ElementwiseRules.Sigmoid),
        new("Tanh", ElementwiseRules.Tanh),
        new("Erf", ElementwiseRules.Erf),
        new("Gelu", ElementwiseRules.Gelu),
        new("Softmax", ElementwiseRules.Softmax),
        new("LogSoftmax", ElementwiseRules.LogSoftmax),
        new("Where", ElementwiseRules.Where),
        new("Clip", ElementwiseRules.Clip),
        new("Dropout", ElementwiseRules.Dropout),
        new("Identity", ElementwiseRules.Identity),
        new("Cast", ElementwiseRules.Cast),
        new("Abs", ExtraActivationRules.Abs),
        new("Reciprocal", ExtraActivationRules.Reciprocal),
        new("LeakyRelu", ExtraActivationRules.LeakyRelu),
        new("HardSigmoid", ExtraActivationRules.HardSigmoid),
        new("HardSwish", ExtraActivationRules.HardSwish),
        new("Sum", ExtraActivationRules.Sum),
        new("Mean", ExtraActivationRules.Mean),
        new("Max", ExtraActivationRules.Extremum),
        new("Min", ExtraActivationRules.Extremum),

        // Matrix products (Rules/MatrixRules.cs)
        new("Gemm", MatrixRules.Gemm),
        new("MatMul", MatrixRules.MatMul),

        // Convolution and pooling (Rules/ConvRules.cs, Rules/PoolRules.cs)
        new("Conv", ConvRules.Conv),
        new("MaxPool", PoolRules.MaxPool),
        new("AveragePool", PoolRules.AveragePool),
        new("GlobalAveragePool", PoolRules.GlobalAveragePool),

        // Normalisation (Rules/NormRules.cs)
        new("BatchNormalization", NormRules.BatchNormalization),
        new("LayerNormalization", NormRules.LayerNormalization),
        new(FusedBatchNormTraining.OpType, NormRules.BatchNormalizationTraining, FusedOps.Domain),

        // Reductions (Rules/ReductionRules.cs)
        new("ReduceSum", ReductionRules.ReduceSum),
        new("ReduceMean", ReductionRules.ReduceMean),

        // Data movement (Rules/ShapeRules.cs)
        new("Flatten", ShapeRules.ReshapeBack),
        new("Reshape", ShapeRules.ReshapeBack),
        new("Squeeze", ShapeRules.ReshapeBack),
        new("Unsqueeze", ShapeRules.ReshapeBack),
        new("Transpose", ShapeRules.Transpose),
        new("Expand", ShapeRules.Expand),
        new("Concat", ShapeRules.Concat),
        new("Slice", ShapeRules.Slice),
        new("Split", ShapeRules.Split),
        new("Gather", ShapeRules.Gather),
        new("Pad", ShapeRules.Pad),
        new("Tile", ShapeRules.Tile),

        // Not differentiable: outputs are integers, booleans or piecewise constant; no gradient flows through them.
        new("Shape", null),
        new("Size", null),
        new("Constant", null),
        new("ConstantOfShape", null),
        new("Range", null),
        new("Equal", null),
        new("Less", null),
        new("LessOrEqual", null),
        new("Greater", null),
        new("GreaterOrEqual", null),
        new("Not", null),
        new("And", null),
        new("Or", null),
        new("Xor", null),
        new("IsNaN", null),
        new("IsInf", null),
        new("ArgMax", null),
        new("ArgMin", null),
        new("NonZero", null),
        new("OneHot", null),
        new("Floor", null),
        new("Ceil", null),
        new("Round", null),
        new("Sign", null),
    ];

    private static readonly Dictionary<string, GradientRule> Rules = Table.ToDictionary(r => r.Key, StringComparer.Ordinal);

    /// <summary>Every registry entry, keyed by <see cref="GradientRule.Key"/>.</summary>
    public static IReadOnlyDictionary<string, GradientRule> All => Rules;

    /// <summary>The rule of <paramref name="node"/>'s op in its domain ("ai.onnx" is the default domain).</summary>
    public static GradientRule? Find(NodeProto node) =>
        Rules.GetValueOrDefault(node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}:{node.OpType}");
}
