using OnnxVideo.Onnx.Shapes.Rules;

namespace OnnxVideo.Onnx.Shapes;

/// <summary>
/// The one table of shape rules: op type → rule. Its families mirror the gradient rules' files in
/// OnnxVideo.Autodiff/Rules; a new differentiable op is one line here, one line in the gradient registry and one
/// row in each test table. Ops not listed infer nothing (their outputs stay unknown unless the graph declares them).
/// </summary>
internal static class ShapeRegistry
{
    private static readonly ShapeRule[] Table =
    [
        // Pointwise functions and broadcasting arithmetic (Rules/ElementwiseShapes.cs)
        .. Each(ElementwiseShapes.SameAsInput, "Relu", "Sigmoid", "Tanh", "Erf", "Gelu", "Exp", "Log", "Sqrt", "Neg", "Abs",
            "Reciprocal", "Softmax", "LogSoftmax", "Clip", "LeakyRelu", "Elu", "HardSigmoid", "HardSwish", "Softplus", "Floor",
            "Ceil", "Round", "Sign", "Sin", "Cos", "BatchNormalization", "Not", "CumSum"),
        new("Identity", ElementwiseShapes.Identity),
        new("Dropout", ElementwiseShapes.Dropout),
        .. Each(ElementwiseShapes.BooleanOfInput, "IsNaN", "IsInf"),
        new("Cast", ElementwiseShapes.Cast),
        .. Each(ElementwiseShapes.Arithmetic, "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Mod", "Sum", "Mean", "PRelu"),
        .. Each(ElementwiseShapes.Comparison, "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"),
        new("Where", ElementwiseShapes.Where),

        // Matrix products (Rules/MatrixShapes.cs)
        new("MatMul", MatrixShapes.MatMul),
        new("Gemm", MatrixShapes.Gemm),

        // Convolution and pooling (Rules/ConvShapes.cs)
        .. Each(ConvShapes.ConvOrPool, "Conv", "MaxPool", "AveragePool", "LpPool"),
        .. Each(ConvShapes.GlobalPool, "GlobalAveragePool", "GlobalMaxPool"),

        // Normalisation (Rules/NormShapes.cs)
        new("LayerNormalization", NormShapes.LayerNormalization),

        // Reductions (Rules/ReductionShapes.cs)
        .. Each(ReductionShapes.Reduce, "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
            "ReduceLogSumExp", "ReduceSumSquare"),
        .. Each(ReductionShapes.ArgReduce, "ArgMax", "ArgMin"),

        // Data movement (Rules/DataMovementShapes.cs)
        new("Flatten", DataMovementShapes.Flatten),
        new("Reshape", DataMovementShapes.Reshape),
        new("Transpose", DataMovementShapes.Transpose),
        new("Squeeze", DataMovementShapes.Squeeze),
        new("Unsqueeze", DataMovementShapes.Unsqueeze),
        new("Concat", DataMovementShapes.Concat),
        new("Slice", DataMovementShapes.Slice),
        new("Split", DataMovementShapes.Split),
        new("Gather", DataMovementShapes.Gather),
        new("Expand", DataMovementShapes.Expand),
        new("Pad", DataMovementShapes.Pad),
        new("Tile", DataMovementShapes.Tile),
        new("SpaceToDepth", DataMovementShapes.SpaceToDepth),
        .. Each(ElementwiseShapes.Identity, "ScatterElements", "ScatterND"),

        // Gathers by index tensors, Einsum, If (Rules/IndexingShapes.cs)
        new("GatherElements", IndexingShapes.GatherElements),
        new("GatherND", IndexingShapes.GatherND),
        new("Einsum", IndexingShapes.Einsum),
        new("If", IndexingShapes.If),

        // Shape arithmetic and index-producing ops (Rules/ShapeOpShapes.cs)
        new("Shape", ShapeOpShapes.Shape),
        new("Size", ShapeOpShapes.Size),
        new("ConstantOfShape", ShapeOpShapes.ConstantOfShape),
        new("OneHot", ShapeOpShapes.OneHot),
        new("Range", ShapeOpShapes.Range),
        new("NonZero", ShapeOpShapes.NonZero),
    ];

    private static readonly Dictionary<string, ShapeRule> Rules = Table.ToDictionary(r => r.OpType, StringComparer.Ordinal);

    /// <summary>Every registry entry, keyed by op type.</summary>
    public static IReadOnlyDictionary<string, ShapeRule> All => Rules;

    public static ShapeRule? Find(string opType) => Rules.GetValueOrDefault(opType);

    private static IEnumerable<ShapeRule> Each(InferShapes rule, params string[] opTypes) => opTypes.Select(op => new ShapeRule(op, rule));
}
