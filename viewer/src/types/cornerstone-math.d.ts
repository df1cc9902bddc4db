/** cornerstone-math is only handed to cornerstone-tools (the package ships no type declarations). */
declare module 'cornerstone-math' {
  const cornerstoneMath: unknown;
  export default cornerstoneMath;
}
